//! The connection a CLI invocation holds: tokio-postgres's client and its connection, driven
//! by a current-thread runtime of their own, behind the synchronous methods (same names and
//! signatures) of the `postgres` crate's client, so that every caller stays synchronous.
//!
//! What the `postgres` crate's client cannot do is send several requests before reading the
//! first answer: each call blocks until its answer is in, a round trip each. This one also
//! offers `Client::pipelined`, which sends a simple query, typed statements and a closing
//! simple query in one flight and then reads every answer (see [`mod@super::flight`]).

use std::collections::VecDeque;
use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::{future, Stream};
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{ToSql, Type};
use postgres::{Error, Notification, Row, SimpleQueryMessage, Statement};
use tokio::runtime::Runtime;
use tokio_postgres::{AsyncMessage, ToStatement};

type MessageStream = Pin<Box<dyn Stream<Item = Result<AsyncMessage, Error>> + Send>>;

/// The runtime, the connection's message stream, the notifications it delivered and the
/// signals it watches.
struct Connection {
    runtime: Runtime,
    stream: MessageStream,
    notifications: VecDeque<Notification>,
    signals: Option<Signals>,
    canceller: Canceller,
}

/// How long a wait goes on after a signal cancelled its statement: the server's answer to
/// the cancel (the statement failed, a `COMMIT` rolled back) usually comes at once; a server
/// that does not answer is left.
const SIGNAL_GRACE: Duration = Duration::from_secs(3);

/// What the process watches once [`cancel_on_signals`] was called.
struct Watch {
    /// Set by the handler as a signal arrives (at once, unlike the runtime's own view of
    /// it, which comes through a pipe), taken by the first look that sees it.
    arrived: Arc<AtomicBool>,
    /// Whether a signal taken now cancels.
    cancels: fn() -> bool,
    /// Set for good once a taken signal cancelled: every connection of the process sees
    /// it (the one that took the signal, and any other waiting or opened later).
    cancelling: AtomicBool,
}

static WATCH: OnceLock<Watch> = OnceLock::new();

/// From now on, SIGINT, SIGTERM and SIGHUP cancel what the server runs for any [`Client`]
/// of this process while it waits for an answer, when `cancels` (asked as a wait takes a
/// signal) says so: the wait sends the cancel request (as `PQcancel`), goes on for the
/// server's answer (the statement fails, a pipelined `COMMIT` rolls back) and gives up
/// 3 s later; nothing more is sent on that connection ([`Client::cancel_requested`]). A
/// signal that arrives between waits is taken by the next one before it sends anything;
/// one during a connection attempt ends it. The connections' own runtimes watch them: no
/// thread, which a one-shot command would pay for at its start and again at its exit.
/// From then on a signal no longer ends the process by itself (see [`take_signal`] for a
/// caller that stops in its own way). The first call's `cancels` stays.
///
/// # Errors
/// The operating system's, when a handler cannot be installed.
pub fn cancel_on_signals(cancels: fn() -> bool) -> std::io::Result<()> {
    if WATCH.get().is_none() {
        let arrived = Arc::new(AtomicBool::new(false));
        for signal in SIGNALS {
            signal_hook::flag::register(signal, Arc::clone(&arrived))?;
        }
        let _ = WATCH.set(Watch {
            arrived,
            cancels,
            cancelling: AtomicBool::new(false),
        });
    }
    Ok(())
}

/// Whether a signal cancelled the process's connections (see [`cancel_on_signals`]): a
/// failure since is the interruption's, and nothing should be tried again.
pub fn interrupted() -> bool {
    WATCH
        .get()
        .is_some_and(|w| w.cancelling.load(Ordering::SeqCst))
}

/// Takes a signal that arrived while no wait looked (see [`cancel_on_signals`]): for a
/// caller that starts to stop in its own way, so that a signal just before is not lost.
pub fn take_signal() -> bool {
    WATCH
        .get()
        .is_some_and(|w| w.arrived.swap(false, Ordering::SeqCst))
}

/// The signals a command is interrupted by: SIGINT, SIGTERM and SIGHUP.
pub const SIGNALS: [i32; 3] = [
    signal_hook::consts::SIGINT,
    signal_hook::consts::SIGTERM,
    signal_hook::consts::SIGHUP,
];

/// A runtime's view of the watched signals: what wakes a wait when one arrives.
struct Signals {
    wakers: Vec<tokio::signal::unix::Signal>,
    /// Once a signal cancelled: the cancel request while it is under way, and when the
    /// waits give up.
    cancelling: Option<(Option<CancelRequest>, Pin<Box<tokio::time::Sleep>>)>,
}

impl Signals {
    /// The runtime's streams of the watched signals, once the process watches them
    /// (called inside the runtime).
    fn watched() -> Option<Self> {
        WATCH.get()?;
        let wakers = SIGNALS
            .into_iter()
            .map(|s| tokio::signal::unix::signal(tokio::signal::unix::SignalKind::from_raw(s)))
            .collect::<std::io::Result<_>>()
            .ok()?;
        Some(Self {
            wakers,
            cancelling: None,
        })
    }

    /// The process's watch, with the task set to be woken by the next signal.
    fn watch(&mut self, cx: &mut Context<'_>) -> Option<&'static Watch> {
        for waker in &mut self.wakers {
            while let Poll::Ready(Some(())) = waker.poll_recv(cx) {}
        }
        WATCH.get()
    }

    /// Whether a signal cancelled: one arrived now and cancels (taking it), or one did
    /// before, on any connection.
    fn taken(&mut self, cx: &mut Context<'_>) -> bool {
        self.watch(cx).is_some_and(|w| {
            if w.arrived.swap(false, Ordering::SeqCst) && (w.cancels)() {
                w.cancelling.store(true, Ordering::SeqCst);
            }
            w.cancelling.load(Ordering::SeqCst)
        })
    }

    /// Whether a signal arrived that no wait took yet (it stays for the next), or one
    /// cancelled.
    fn pending(&mut self, cx: &mut Context<'_>) -> bool {
        self.watch(cx).is_some_and(|w| {
            w.arrived.load(Ordering::SeqCst) || w.cancelling.load(Ordering::SeqCst)
        })
    }

    /// Looks for a signal; `Ready` when the wait must end: before anything of it is sent
    /// (`sent` false) once a signal came, since nothing more is sent then (a transaction
    /// left open rolls back as the connection closes), or when the grace after a cancel is
    /// over. Otherwise it sends the cancel request when a signal came, and drives it.
    fn poll(&mut self, cx: &mut Context<'_>, canceller: &Canceller, sent: bool) -> Poll<()> {
        // the first look that finds a signal cancels what this connection sent
        if self.taken(cx)
            && !canceller.requested.swap(true, Ordering::SeqCst)
            && sent
            && self.cancelling.is_none()
        {
            let deadline = Box::pin(tokio::time::sleep(SIGNAL_GRACE));
            self.cancelling = Some((Some((canceller.send)()), deadline));
        }
        if !sent && canceller.requested.load(Ordering::SeqCst) {
            return Poll::Ready(());
        }
        let Some((request, deadline)) = &mut self.cancelling else {
            return Poll::Pending;
        };
        if request
            .as_mut()
            .is_some_and(|r| r.as_mut().poll(cx).is_ready())
        {
            *request = None;
        }
        deadline.as_mut().poll(cx)
    }
}

/// The error of a wait a signal ended.
fn interruption() -> Error {
    Error::__private_api_timeout()
}

impl Connection {
    fn block_on<T>(&mut self, future: impl Future<Output = Result<T, Error>>) -> Result<T, Error> {
        let mut future = pin!(future);
        self.poll_block_on(|cx, _, _| future.as_mut().poll(cx))
    }

    /// Drives the connection (queueing notifications, dropping notices) and `f` together
    /// until `f` is ready; `f` learns whether the connection has ended.
    fn poll_block_on<T>(
        &mut self,
        mut f: impl FnMut(&mut Context<'_>, &mut VecDeque<Notification>, bool) -> Poll<Result<T, Error>>,
    ) -> Result<T, Error> {
        // the process may have started to watch since the connection opened
        if self.signals.is_none() && WATCH.get().is_some() {
            let _runtime = self.runtime.enter();
            self.signals = Signals::watched();
        }
        let stream = &mut self.stream;
        let notifications = &mut self.notifications;
        let signals = &mut self.signals;
        let canceller = &self.canceller;
        let mut sent = false;
        self.runtime.block_on(future::poll_fn(|cx| {
            // the first poll sends the request: a signal before it came between waits
            if signals
                .as_mut()
                .is_some_and(|s| s.poll(cx, canceller, sent).is_ready())
            {
                return Poll::Ready(Err(interruption()));
            }
            sent = true;
            let done = loop {
                match stream.as_mut().poll_next(cx) {
                    Poll::Ready(Some(Ok(AsyncMessage::Notification(n)))) => {
                        notifications.push_back(n);
                    }
                    Poll::Ready(Some(Ok(_))) => {}
                    Poll::Ready(Some(Err(e))) => return Poll::Ready(Err(e)),
                    Poll::Ready(None) => break true,
                    Poll::Pending => break false,
                }
            };
            f(cx, notifications, done)
        }))
    }

    /// Sends the goodbye and waits until the connection ends, unless a signal is pending:
    /// then at once, leaving the signal to whoever looks next (the command may be ending
    /// with an error of its own, which a signal taken here would hide).
    fn goodbye(&mut self) {
        let stream = &mut self.stream;
        let signals = &mut self.signals;
        self.runtime.block_on(future::poll_fn(|cx| {
            if signals.as_mut().is_some_and(|s| s.pending(cx)) {
                return Poll::Ready(());
            }
            loop {
                match stream.as_mut().poll_next(cx) {
                    Poll::Ready(Some(Ok(_))) => {}
                    Poll::Ready(Some(Err(_)) | None) => return Poll::Ready(()),
                    Poll::Pending => return Poll::Pending,
                }
            }
        }));
    }
}

/// A runtime for [`Client::connect`]: one thread, the caller's.
///
/// # Errors
/// `internal` when the operating system refuses what it needs (an epoll instance).
pub fn runtime() -> crate::error::Result<Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| crate::error::Error::Internal(format!("cannot start the I/O runtime: {e}")))
}

/// One connection to PostgreSQL with a synchronous interface.
pub struct Client {
    connection: Connection,
    client: tokio_postgres::Client,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("closed", &self.client.is_closed())
            .finish_non_exhaustive()
    }
}

impl Drop for Client {
    /// Says goodbye as the `postgres` crate's client does (`Terminate`, then the connection
    /// ends), so that the server does not log a client that vanished.
    fn drop(&mut self) {
        self.client.__private_api_close();
        // cancelled: nothing more is sent, and the server sees the connection close
        if !self.cancel_requested() {
            self.connection.goodbye();
        }
    }
}

/// The answers of one `Client::pipelined` flight, in the order the requests went out.
pub(crate) struct Answers {
    /// The first simple query's messages.
    pub first: Result<Vec<SimpleQueryMessage>, Error>,
    /// Each statement's rows.
    pub statements: Vec<Result<Vec<Row>, Error>>,
    /// The closing simple query's messages.
    pub last: Result<Vec<SimpleQueryMessage>, Error>,
}

/// A statement of a flight: SQL and its typed parameters.
pub(crate) type Typed<'a> = (&'a str, &'a [(&'a (dyn ToSql + Sync), Type)]);

impl Client {
    /// Opens a connection with `config` and `tls` (each host of `config` in turn, as the
    /// driver does), driven by `runtime` (see [`runtime`]).
    ///
    /// # Errors
    /// The driver's, when no host accepts.
    pub fn connect<T>(
        runtime: Runtime,
        config: &tokio_postgres::Config,
        tls: T,
    ) -> Result<Self, Error>
    where
        T: tokio_postgres::tls::MakeTlsConnect<tokio_postgres::Socket>
            + Clone
            + 'static
            + Send
            + Sync,
        T::TlsConnect: Send,
        T::Stream: Send,
        <T::TlsConnect as tokio_postgres::tls::TlsConnect<tokio_postgres::Socket>>::Future: Send,
    {
        // the driver's `connect_timeout` bounds the TCP connect only; libpq's bounds the
        // whole attempt (a host that accepts and never answers must not hold it)
        let connect = config.connect(tls.clone());
        let limit = config.get_connect_timeout().copied();
        // once the process watches signals, one ends the attempt (nothing is sent yet)
        let mut signals = {
            let _runtime = runtime.enter();
            Signals::watched()
        };
        let (client, mut connection) = runtime.block_on(async {
            let mut connect = pin!(async {
                match limit {
                    Some(limit) => tokio::time::timeout(limit, connect)
                        .await
                        .map_err(|_| Error::__private_api_timeout())?,
                    None => connect.await,
                }
            });
            future::poll_fn(|cx| {
                if signals.as_mut().is_some_and(|s| s.taken(cx)) {
                    return Poll::Ready(Err(interruption()));
                }
                connect.as_mut().poll(cx)
            })
            .await
        })?;
        let stream: MessageStream = Box::pin(futures_util::stream::poll_fn(move |cx| {
            connection.poll_message(cx)
        }));
        let token = client.cancel_token();
        let canceller = Canceller {
            send: Arc::new(move || {
                let token = token.clone();
                let tls = tls.clone();
                Box::pin(async move {
                    let _ = token.cancel_query(tls).await;
                })
            }),
            requested: Arc::default(),
        };
        Ok(Self {
            connection: Connection {
                runtime,
                stream,
                notifications: VecDeque::new(),
                signals,
                canceller,
            },
            client,
        })
    }

    /// Whether a signal cancelled (see [`cancel_on_signals`]): nothing more should be sent, and a
    /// transaction still open should be rolled back.
    #[must_use]
    pub fn cancel_requested(&self) -> bool {
        self.connection.canceller.requested.load(Ordering::SeqCst)
    }

    /// Whether the connection has ended (the server went away, or it broke).
    #[must_use]
    pub fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    /// Whether the connection still answers, within `timeout` (an empty query).
    ///
    /// # Errors
    /// The driver's, or a timeout.
    pub fn is_valid(&mut self, timeout: Duration) -> Result<(), Error> {
        let client = &self.client;
        self.connection.block_on(async {
            tokio::time::timeout(timeout, client.simple_query(""))
                .await
                .map_err(|_| Error::__private_api_timeout())?
                .map(|_| ())
        })
    }

    /// Starts a transaction (`BEGIN`), rolled back when dropped without `commit`.
    ///
    /// # Errors
    /// The driver's.
    pub fn transaction(&mut self) -> Result<Transaction<'_>, Error> {
        let tx = self.connection.block_on(self.client.transaction())?;
        Ok(Transaction {
            connection: &mut self.connection,
            tx: Some(tx),
        })
    }

    /// The notifications (`LISTEN`) this connection received.
    pub fn notifications(&mut self) -> Notifications<'_> {
        Notifications {
            connection: &mut self.connection,
        }
    }

    /// Sends `first` (a simple query), each statement (typed, unnamed) and `last` (a simple
    /// query) in one flight, without waiting for any answer in between, then reads every
    /// answer. The server runs them in order; when one fails inside a transaction, the ones
    /// after it fail too and a closing `COMMIT` rolls back.
    pub(crate) fn pipelined(
        &mut self,
        first: &str,
        statements: &[Typed<'_>],
        last: &str,
    ) -> Answers {
        let client = &self.client;
        // a statement whose parameters fail to encode is refused before it is sent, so
        // the server never sees it fail: `last` becomes `ROLLBACK`, else it would commit
        // the statements before it
        let unsent = std::cell::Cell::new(false);
        let flight = async {
            // `join` polls in order, and each request is queued on its first poll (a
            // statement that cannot be encoded ends on that poll, before `last`'s)
            let (first, statements, last) = future::join3(
                async { Ok::<_, Error>(client.simple_query(first).await) },
                async {
                    Ok::<_, Error>(
                        future::join_all(statements.iter().map(|(sql, params)| async {
                            let answer = client.query_typed(sql, params).await;
                            if answer.as_ref().is_err_and(|e| e.as_db_error().is_none()) {
                                unsent.set(true);
                            }
                            answer
                        }))
                        .await,
                    )
                },
                async {
                    let last = if unsent.get() { "ROLLBACK" } else { last };
                    Ok::<_, Error>(client.simple_query(last).await)
                },
            )
            .await;
            Ok((first?, statements?, last?))
        };
        match self.connection.block_on(flight) {
            Ok((first, statements, last)) => Answers {
                first,
                statements,
                last,
            },
            // the connection itself failed: every answer is that failure
            Err(e) => Answers {
                first: Err(e),
                statements: Vec::new(),
                last: Ok(Vec::new()),
            },
        }
    }
}

/// What cancels the statement a connection's server is running, as libpq's `PQcancel`
/// does: a cancel request on a connection of its own, to the same host, with the same TLS.
/// A flight has sent its `COMMIT` with its statements, so a client that only went away
/// would leave the server to run and commit them once what they wait for is free;
/// cancelled, the statement fails and the `COMMIT` rolls back.
struct Canceller {
    send: Arc<dyn Fn() -> CancelRequest + Send + Sync>,
    /// Whether a signal cancelled: nothing more is sent.
    requested: Arc<AtomicBool>,
}

/// A cancel request under way (see [`Canceller`]).
type CancelRequest = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A transaction of [`Client::transaction`].
pub struct Transaction<'a> {
    connection: &'a mut Connection,
    tx: Option<tokio_postgres::Transaction<'a>>,
}

impl Transaction<'_> {
    /// Commits.
    ///
    /// # Errors
    /// The driver's.
    pub fn commit(mut self) -> Result<(), Error> {
        match self.tx.take() {
            Some(tx) => self.connection.block_on(tx.commit()),
            None => Ok(()),
        }
    }

    /// Rolls back.
    ///
    /// # Errors
    /// The driver's.
    pub fn rollback(mut self) -> Result<(), Error> {
        match self.tx.take() {
            Some(tx) => self.connection.block_on(tx.rollback()),
            None => Ok(()),
        }
    }

    /// A savepoint inside this transaction, released by `commit`.
    ///
    /// # Errors
    /// The driver's.
    pub fn transaction(&mut self) -> Result<Transaction<'_>, Error> {
        let inner = self
            .tx
            .as_mut()
            .map(tokio_postgres::Transaction::transaction);
        match inner {
            Some(f) => {
                let tx = self.connection.block_on(f)?;
                Ok(Transaction {
                    connection: self.connection,
                    tx: Some(tx),
                })
            }
            None => unreachable_tx(),
        }
    }
}

#[allow(clippy::panic)]
fn unreachable_tx<T>() -> T {
    // `tx` is only `None` after `commit` or `rollback`, which consume the transaction
    panic!("a transaction was used after it ended")
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        if let Some(tx) = self.tx.take() {
            // a broken connection has nothing to roll back
            let _ = self.connection.block_on(tx.rollback());
        }
    }
}

/// The methods shared by [`Client`] and [`Transaction`], as in the `postgres` crate, with
/// the same names and signatures.
pub trait GenericClient {
    /// Runs a statement, returning the number of rows it changed.
    ///
    /// # Errors
    /// The driver's.
    fn execute<T>(&mut self, query: &T, params: &[&(dyn ToSql + Sync)]) -> Result<u64, Error>
    where
        T: ?Sized + ToStatement;
    /// Runs a statement, returning its rows.
    ///
    /// # Errors
    /// The driver's.
    fn query<T>(&mut self, query: &T, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>, Error>
    where
        T: ?Sized + ToStatement;
    /// Runs a statement that returns exactly one row.
    ///
    /// # Errors
    /// The driver's, also when there is not exactly one row.
    fn query_one<T>(&mut self, query: &T, params: &[&(dyn ToSql + Sync)]) -> Result<Row, Error>
    where
        T: ?Sized + ToStatement;
    /// Runs a statement that returns at most one row.
    ///
    /// # Errors
    /// The driver's, also when there is more than one row.
    fn query_opt<T>(
        &mut self,
        query: &T,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Option<Row>, Error>
    where
        T: ?Sized + ToStatement;
    /// Runs an unnamed statement with typed parameters, in one round trip.
    ///
    /// # Errors
    /// The driver's.
    fn query_typed(
        &mut self,
        query: &str,
        params: &[(&(dyn ToSql + Sync), Type)],
    ) -> Result<Vec<Row>, Error>;
    /// As [`GenericClient::query_typed`], for exactly one row.
    ///
    /// # Errors
    /// The driver's.
    fn query_typed_one(
        &mut self,
        query: &str,
        params: &[(&(dyn ToSql + Sync), Type)],
    ) -> Result<Row, Error>;
    /// As [`GenericClient::query_typed`], for at most one row.
    ///
    /// # Errors
    /// The driver's.
    fn query_typed_opt(
        &mut self,
        query: &str,
        params: &[(&(dyn ToSql + Sync), Type)],
    ) -> Result<Option<Row>, Error>;
    /// Prepares a statement.
    ///
    /// # Errors
    /// The driver's.
    fn prepare(&mut self, query: &str) -> Result<Statement, Error>;
    /// Prepares a statement with the given parameter types.
    ///
    /// # Errors
    /// The driver's.
    fn prepare_typed(&mut self, query: &str, types: &[Type]) -> Result<Statement, Error>;
    /// Runs statements with the simple protocol, returning their messages.
    ///
    /// # Errors
    /// The driver's.
    fn simple_query(&mut self, query: &str) -> Result<Vec<SimpleQueryMessage>, Error>;
    /// Runs statements with the simple protocol.
    ///
    /// # Errors
    /// The driver's.
    fn batch_execute(&mut self, query: &str) -> Result<(), Error>;
    /// A transaction (a savepoint inside one).
    ///
    /// # Errors
    /// The driver's.
    fn transaction(&mut self) -> Result<Transaction<'_>, Error>;
}

macro_rules! generic_client {
    ($ty:ty, $this:ident => ($conn:expr, $client:expr)) => {
        impl $ty {
            #[doc = "Runs a statement, returning the number of rows it changed."]
            ///
            /// # Errors
            /// The driver's.
            pub fn execute<T>(
                &mut self,
                query: &T,
                params: &[&(dyn ToSql + Sync)],
            ) -> Result<u64, Error>
            where
                T: ?Sized + ToStatement,
            {
                let $this = self;
                $conn.block_on($client.execute(query, params))
            }
            #[doc = "Runs a statement, returning its rows."]
            ///
            /// # Errors
            /// The driver's.
            pub fn query<T>(
                &mut self,
                query: &T,
                params: &[&(dyn ToSql + Sync)],
            ) -> Result<Vec<Row>, Error>
            where
                T: ?Sized + ToStatement,
            {
                let $this = self;
                $conn.block_on($client.query(query, params))
            }
            #[doc = "Runs a statement that returns exactly one row."]
            ///
            /// # Errors
            /// The driver's.
            pub fn query_one<T>(
                &mut self,
                query: &T,
                params: &[&(dyn ToSql + Sync)],
            ) -> Result<Row, Error>
            where
                T: ?Sized + ToStatement,
            {
                let $this = self;
                $conn.block_on($client.query_one(query, params))
            }
            #[doc = "Runs a statement that returns at most one row."]
            ///
            /// # Errors
            /// The driver's.
            pub fn query_opt<T>(
                &mut self,
                query: &T,
                params: &[&(dyn ToSql + Sync)],
            ) -> Result<Option<Row>, Error>
            where
                T: ?Sized + ToStatement,
            {
                let $this = self;
                $conn.block_on($client.query_opt(query, params))
            }
            #[doc = "Runs an unnamed statement with typed parameters, in one round trip."]
            ///
            /// # Errors
            /// The driver's.
            pub fn query_typed(
                &mut self,
                query: &str,
                params: &[(&(dyn ToSql + Sync), Type)],
            ) -> Result<Vec<Row>, Error> {
                let $this = self;
                $conn.block_on($client.query_typed(query, params))
            }
            #[doc = "As `query_typed`, for exactly one row."]
            ///
            /// # Errors
            /// The driver's.
            pub fn query_typed_one(
                &mut self,
                query: &str,
                params: &[(&(dyn ToSql + Sync), Type)],
            ) -> Result<Row, Error> {
                let $this = self;
                $conn.block_on($client.query_typed_one(query, params))
            }
            #[doc = "As `query_typed`, for at most one row."]
            ///
            /// # Errors
            /// The driver's.
            pub fn query_typed_opt(
                &mut self,
                query: &str,
                params: &[(&(dyn ToSql + Sync), Type)],
            ) -> Result<Option<Row>, Error> {
                let $this = self;
                $conn.block_on($client.query_typed_opt(query, params))
            }
            #[doc = "Prepares a statement."]
            ///
            /// # Errors
            /// The driver's.
            pub fn prepare(&mut self, query: &str) -> Result<Statement, Error> {
                let $this = self;
                $conn.block_on($client.prepare(query))
            }
            #[doc = "Prepares a statement with the given parameter types."]
            ///
            /// # Errors
            /// The driver's.
            pub fn prepare_typed(
                &mut self,
                query: &str,
                types: &[Type],
            ) -> Result<Statement, Error> {
                let $this = self;
                $conn.block_on($client.prepare_typed(query, types))
            }
            #[doc = "Runs statements with the simple protocol, returning their messages."]
            ///
            /// # Errors
            /// The driver's.
            pub fn simple_query(&mut self, query: &str) -> Result<Vec<SimpleQueryMessage>, Error> {
                let $this = self;
                $conn.block_on($client.simple_query(query))
            }
            #[doc = "Runs statements with the simple protocol."]
            ///
            /// # Errors
            /// The driver's.
            pub fn batch_execute(&mut self, query: &str) -> Result<(), Error> {
                let $this = self;
                $conn.block_on($client.batch_execute(query))
            }
        }

        impl GenericClient for $ty {
            fn execute<T>(
                &mut self,
                query: &T,
                params: &[&(dyn ToSql + Sync)],
            ) -> Result<u64, Error>
            where
                T: ?Sized + ToStatement,
            {
                <$ty>::execute(self, query, params)
            }
            fn query<T>(
                &mut self,
                query: &T,
                params: &[&(dyn ToSql + Sync)],
            ) -> Result<Vec<Row>, Error>
            where
                T: ?Sized + ToStatement,
            {
                <$ty>::query(self, query, params)
            }
            fn query_one<T>(
                &mut self,
                query: &T,
                params: &[&(dyn ToSql + Sync)],
            ) -> Result<Row, Error>
            where
                T: ?Sized + ToStatement,
            {
                <$ty>::query_one(self, query, params)
            }
            fn query_opt<T>(
                &mut self,
                query: &T,
                params: &[&(dyn ToSql + Sync)],
            ) -> Result<Option<Row>, Error>
            where
                T: ?Sized + ToStatement,
            {
                <$ty>::query_opt(self, query, params)
            }
            fn query_typed(
                &mut self,
                query: &str,
                params: &[(&(dyn ToSql + Sync), Type)],
            ) -> Result<Vec<Row>, Error> {
                <$ty>::query_typed(self, query, params)
            }
            fn query_typed_one(
                &mut self,
                query: &str,
                params: &[(&(dyn ToSql + Sync), Type)],
            ) -> Result<Row, Error> {
                <$ty>::query_typed_one(self, query, params)
            }
            fn query_typed_opt(
                &mut self,
                query: &str,
                params: &[(&(dyn ToSql + Sync), Type)],
            ) -> Result<Option<Row>, Error> {
                <$ty>::query_typed_opt(self, query, params)
            }
            fn prepare(&mut self, query: &str) -> Result<Statement, Error> {
                <$ty>::prepare(self, query)
            }
            fn prepare_typed(&mut self, query: &str, types: &[Type]) -> Result<Statement, Error> {
                <$ty>::prepare_typed(self, query, types)
            }
            fn simple_query(&mut self, query: &str) -> Result<Vec<SimpleQueryMessage>, Error> {
                <$ty>::simple_query(self, query)
            }
            fn batch_execute(&mut self, query: &str) -> Result<(), Error> {
                <$ty>::batch_execute(self, query)
            }
            fn transaction(&mut self) -> Result<Transaction<'_>, Error> {
                <$ty>::transaction(self)
            }
        }
    };
}

generic_client!(Client, c => (c.connection, c.client));
generic_client!(Transaction<'_>, t => (t.connection, t.tx.as_ref().unwrap_or_else(unreachable_tx)));

/// The notifications of one connection, as in the `postgres` crate.
pub struct Notifications<'a> {
    connection: &'a mut Connection,
}

impl Notifications<'_> {
    /// Those already received, without waiting.
    pub fn iter(&mut self) -> Iter<'_> {
        Iter {
            connection: self.connection,
        }
    }

    /// Each next one, waiting at most `timeout` for it (`None`: none came, or the server
    /// went away).
    pub fn timeout_iter(&mut self, timeout: Duration) -> TimeoutIter<'_> {
        TimeoutIter {
            connection: self.connection,
            timeout,
        }
    }
}

/// See [`Notifications::iter`].
pub struct Iter<'a> {
    connection: &'a mut Connection,
}

impl FallibleIterator for Iter<'_> {
    type Item = Notification;
    type Error = Error;

    fn next(&mut self) -> Result<Option<Notification>, Error> {
        if let Some(n) = self.connection.notifications.pop_front() {
            return Ok(Some(n));
        }
        self.connection
            .poll_block_on(|_, notifications, _| Poll::Ready(Ok(notifications.pop_front())))
    }
}

/// See [`Notifications::timeout_iter`].
pub struct TimeoutIter<'a> {
    connection: &'a mut Connection,
    timeout: Duration,
}

impl FallibleIterator for TimeoutIter<'_> {
    type Item = Notification;
    type Error = Error;

    fn next(&mut self) -> Result<Option<Notification>, Error> {
        if let Some(n) = self.connection.notifications.pop_front() {
            return Ok(Some(n));
        }
        let mut delay = {
            let _guard = self.connection.runtime.enter();
            Box::pin(tokio::time::sleep(self.timeout))
        };
        self.connection
            .poll_block_on(|cx, notifications, done| match notifications.pop_front() {
                Some(n) => Poll::Ready(Ok(Some(n))),
                None if done => Poll::Ready(Ok(None)),
                None => match delay.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Ok(None)),
                    Poll::Pending => Poll::Pending,
                },
            })
    }
}
