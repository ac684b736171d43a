//! TLS for every connection, with libpq's parameters and their meaning: `sslmode`
//! (`disable`, `prefer`, `require`, `verify-ca`, `verify-full`), `sslrootcert` (a PEM file,
//! or `system` for the OS trust store), `sslcert` and `sslkey` (a client certificate).
//!
//! The driver only understands `disable`, `prefer` and `require`, so the TLS keys are taken
//! out of the connection string here and turned into a rustls configuration.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use percent_encoding::percent_decode_str;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{self, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::tcp::{TcpParams, TCP_KEYS};
use crate::error::{Error, Result};

/// libpq's `sslmode`, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SslMode {
    /// Plain text only.
    Disable,
    /// TLS when the server offers it, no certificate check (libpq's default).
    Prefer,
    /// TLS always; the certificate chain is checked only when a root certificate is given
    /// (or `~/.postgresql/root.crt` exists), as libpq does.
    Require,
    /// TLS, and the server certificate must chain to a trusted root.
    VerifyCa,
    /// As `VerifyCa`, and the certificate must name the host connected to.
    VerifyFull,
}

impl SslMode {
    fn parse(value: &str) -> Result<Self> {
        Ok(match value {
            "disable" => Self::Disable,
            "prefer" | "allow" => Self::Prefer,
            "require" => Self::Require,
            "verify-ca" => Self::VerifyCa,
            "verify-full" => Self::VerifyFull,
            other => {
                return Err(Error::invalid(format!(
                    "invalid sslmode {other:?}: use disable, prefer, require, verify-ca or \
                     verify-full"
                )))
            }
        })
    }
}

impl fmt::Display for SslMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Disable => "disable",
            Self::Prefer => "prefer",
            Self::Require => "require",
            Self::VerifyCa => "verify-ca",
            Self::VerifyFull => "verify-full",
        })
    }
}

/// The TLS keys of a connection string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsParams {
    /// `sslmode`, if given.
    pub mode: Option<SslMode>,
    /// `sslrootcert`, if given.
    pub root_cert: Option<String>,
    /// `sslcert`, if given.
    pub cert: Option<String>,
    /// `sslkey`, if given.
    pub key: Option<String>,
}

const TLS_KEYS: [&str; 4] = ["sslmode", "sslrootcert", "sslcert", "sslkey"];

impl TlsParams {
    fn set(&mut self, key: &str, value: String) -> Result<()> {
        match key {
            "sslmode" => self.mode = Some(SslMode::parse(&value)?),
            "sslrootcert" => self.root_cert = Some(value),
            "sslcert" => self.cert = Some(value),
            _ => self.key = Some(value),
        }
        Ok(())
    }
}

/// Splits a URL or key=value connection string into what the driver parses, the TLS keys
/// and the TCP keys (libpq's meaning and units, see [`super::tcp`]), which are configured
/// here.
///
/// # Errors
/// `invalid_input` for an unknown `sslmode`, a TCP key that is not a number, or an
/// unterminated quote.
pub fn split(conn: &str) -> Result<(String, TlsParams, TcpParams)> {
    let mut tls = TlsParams::default();
    let mut tcp = TcpParams::default();
    let mut take = |key: &str, value: String| -> Result<bool> {
        if TLS_KEYS.contains(&key) {
            tls.set(key, value)?;
        } else if TCP_KEYS.contains(&key) {
            tcp.set(key, &value)?;
        } else {
            return Ok(false);
        }
        Ok(true)
    };
    if conn.starts_with("postgres://") || conn.starts_with("postgresql://") {
        let Some((base, query)) = conn.split_once('?') else {
            return Ok((conn.to_string(), tls, tcp));
        };
        let mut kept = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            if !take(
                key,
                percent_decode_str(value).decode_utf8_lossy().into_owned(),
            )? {
                kept.push(pair);
            }
        }
        let rest = if kept.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        return Ok((rest, tls, tcp));
    }
    let mut kept = Vec::new();
    for (key, value) in key_values(conn)? {
        if !take(&key, value.clone())? {
            let quoted = value.replace('\\', "\\\\").replace('\'', "\\'");
            kept.push(format!("{key}='{quoted}'"));
        }
    }
    Ok((kept.join(" "), tls, tcp))
}

/// Tokenises libpq's `key = value` syntax: values may be single-quoted, and `\` escapes.
fn key_values(conn: &str) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut chars = conn.chars().peekable();
    let skip_ws = |c: &mut std::iter::Peekable<std::str::Chars<'_>>| {
        while c.next_if(|ch| ch.is_whitespace()).is_some() {}
    };
    loop {
        skip_ws(&mut chars);
        if chars.peek().is_none() {
            return Ok(out);
        }
        let mut key = String::new();
        while let Some(ch) = chars.next_if(|ch| *ch != '=' && !ch.is_whitespace()) {
            key.push(ch);
        }
        skip_ws(&mut chars);
        if chars.next() != Some('=') {
            return Err(Error::invalid(format!(
                "invalid connection string: missing \"=\" after {key:?}"
            )));
        }
        skip_ws(&mut chars);
        let quoted = chars.next_if_eq(&'\'').is_some();
        let mut value = String::new();
        let mut closed = !quoted;
        while let Some(ch) = chars.next() {
            match ch {
                '\\' => value.extend(chars.next()),
                '\'' if quoted => {
                    closed = true;
                    break;
                }
                c if c.is_whitespace() && !quoted => break,
                c => value.push(c),
            }
        }
        if !closed {
            return Err(Error::invalid(format!(
                "invalid connection string: unterminated quoted value of {key:?}"
            )));
        }
        out.push((key, value));
    }
}

impl TlsParams {
    /// The effective mode: the given one, else `verify-full` with `sslrootcert=system`
    /// (weaker modes are refused there, as libpq 16 does), else `prefer`.
    ///
    /// # Errors
    /// `invalid_input` for a weak mode with `sslrootcert=system`.
    pub fn effective_mode(&self) -> Result<SslMode> {
        let system = self.root_cert.as_deref() == Some("system");
        match self.mode {
            Some(m) if system && m != SslMode::VerifyFull && m != SslMode::Disable => {
                Err(Error::invalid(format!(
                    "weak sslmode {m} may not be used with sslrootcert=system (use verify-full)"
                )))
            }
            Some(m) => Ok(m),
            None if system => Ok(SslMode::VerifyFull),
            None => Ok(SslMode::Prefer),
        }
    }

    /// The driver's mode and the rustls connector that enforces this configuration.
    ///
    /// # Errors
    /// `invalid_input` when a named file is missing or unusable, or `verify-*` has no root
    /// certificate.
    pub fn connector(&self) -> Result<(postgres::config::SslMode, MakeRustlsConnect)> {
        let mode = self.effective_mode()?;
        let driver_mode = match mode {
            SslMode::Disable => postgres::config::SslMode::Disable,
            SslMode::Prefer => postgres::config::SslMode::Prefer,
            _ => postgres::config::SslMode::Require,
        };
        let provider = Arc::new(crypto::ring::default_provider());
        let verifier: Arc<dyn ServerCertVerifier> = match (mode, self.roots(mode)?) {
            (SslMode::Disable | SslMode::Prefer, _) | (SslMode::Require, None) => {
                Arc::new(AcceptAny(Arc::clone(&provider)))
            }
            (SslMode::VerifyFull, Some(roots)) => webpki(roots, &provider)?,
            (_, Some(roots)) => Arc::new(ChainOnly(webpki(roots, &provider)?)),
            (_, None) => return Err(Error::Internal("verify mode without roots".into())),
        };
        let builder = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::Internal(format!("TLS set-up: {e}")))?
            .dangerous()
            .with_custom_certificate_verifier(verifier);
        let config = match self.client_identity()? {
            Some((certs, key)) => builder.with_client_auth_cert(certs, key).map_err(|e| {
                Error::invalid(format!("client certificate and key do not match: {e}"))
            })?,
            None => builder.with_no_client_auth(),
        };
        Ok((driver_mode, MakeRustlsConnect::new(config)))
    }

    /// The trusted roots for `mode`: the named PEM file, the OS store for `system`, or
    /// `~/.postgresql/root.crt` when it exists. `None` where nothing is to be verified.
    fn roots(&self, mode: SslMode) -> Result<Option<RootCertStore>> {
        if mode <= SslMode::Prefer {
            return Ok(None);
        }
        let path = match self.root_cert.as_deref() {
            Some("system") => return system_roots().map(Some),
            Some(p) => PathBuf::from(p),
            None => match home_file("root.crt").filter(|p| p.exists()) {
                Some(p) => p,
                None if mode >= SslMode::VerifyCa => {
                    return Err(Error::invalid(format!(
                        "sslmode={mode} needs a root certificate, and ~/.postgresql/root.crt \
                         does not exist: set sslrootcert=PATH (PEM) or sslrootcert=system"
                    )))
                }
                None => return Ok(None),
            },
        };
        let mut store = RootCertStore::empty();
        for cert in read_pem::<CertificateDer<'static>>(&path, "sslrootcert")? {
            store
                .add(cert)
                .map_err(|e| Error::invalid(format!("sslrootcert {}: {e}", path.display())))?;
        }
        Ok(Some(store))
    }

    /// The client certificate and key: `sslcert`/`sslkey`, else
    /// `~/.postgresql/postgresql.crt` and `.key` when the certificate exists.
    fn client_identity(
        &self,
    ) -> Result<Option<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)>> {
        let cert = match &self.cert {
            Some(p) => PathBuf::from(p),
            None => match home_file("postgresql.crt").filter(|p| p.exists()) {
                Some(p) => p,
                None => return Ok(None),
            },
        };
        let key = match &self.key {
            Some(p) => PathBuf::from(p),
            None => home_file("postgresql.key").unwrap_or_default(),
        };
        let certs = read_pem::<CertificateDer<'static>>(&cert, "sslcert")?;
        check_key_permissions(&key)?;
        let key = PrivateKeyDer::from_pem_file(&key)
            .map_err(|e| Error::invalid(format!("sslkey {}: {e}", key.display())))?;
        Ok(Some((certs, key)))
    }
}

fn home_file(name: &str) -> Option<PathBuf> {
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".postgresql").join(name))
}

fn read_pem<T: PemObject>(path: &Path, what: &str) -> Result<Vec<T>> {
    let bad = |e: &dyn fmt::Display| Error::invalid(format!("{what} {}: {e}", path.display()));
    let items = T::pem_file_iter(path)
        .map_err(|e| bad(&e))?
        .collect::<std::result::Result<Vec<T>, _>>()
        .map_err(|e| bad(&e))?;
    if items.is_empty() {
        return Err(bad(&"no PEM certificate in the file"));
    }
    Ok(items)
}

/// libpq refuses a private key that others can read; so do we.
fn check_key_permissions(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(path)
            .map_err(|e| Error::invalid(format!("sslkey {}: {e}", path.display())))?;
        let mode = meta.mode() & 0o777;
        let ok = if meta.uid() == 0 {
            mode & 0o037 == 0
        } else {
            mode & 0o077 == 0
        };
        if !ok {
            return Err(Error::invalid(format!(
                "private key file {} has group or world access; permissions should be \
                 u=rw (0600) or less",
                path.display()
            )));
        }
    }
    Ok(())
}

fn system_roots() -> Result<RootCertStore> {
    let found = rustls_native_certs::load_native_certs();
    let mut store = RootCertStore::empty();
    let (added, _) = store.add_parsable_certificates(found.certs);
    if added == 0 {
        return Err(Error::invalid(
            "sslrootcert=system: the OS trust store has no usable certificate",
        ));
    }
    Ok(store)
}

fn webpki(
    roots: RootCertStore,
    provider: &Arc<CryptoProvider>,
) -> Result<Arc<WebPkiServerVerifier>> {
    WebPkiServerVerifier::builder_with_provider(Arc::new(roots), Arc::clone(provider))
        .build()
        .map_err(|e| Error::invalid(format!("sslrootcert: {e}")))
}

/// `verify-ca`: the chain must verify; the host name is not checked.
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        // webpki checks the chain before the name, so a name error means the chain is good
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// `prefer`, and `require` without a root certificate: encryption without authentication
/// of the server (libpq's meaning). The handshake signatures are still checked.
#[derive(Debug)]
struct AcceptAny(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAny {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// The rustls error behind a failed connection, if TLS was the problem.
pub(crate) fn tls_cause<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut next = Some(e);
    while let Some(err) = next {
        if let Some(r) = err.downcast_ref::<rustls::Error>() {
            return Some(r);
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if let Some(r) = io.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
                return Some(r);
            }
        }
        next = err.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn case(input: &str, rest: &str, mode: Option<SslMode>, root: Option<&str>) {
        let (r, tls, _) = split(input).unwrap();
        assert_eq!(r, rest, "rest of {input:?}");
        assert_eq!(tls.mode, mode, "mode of {input:?}");
        assert_eq!(tls.root_cert.as_deref(), root, "root of {input:?}");
    }

    #[test]
    fn tls_keys_are_taken_out_of_urls_and_key_values() {
        use SslMode::*;
        case("postgres://h/db", "postgres://h/db", None, None);
        case(
            "postgres://u:p@h:5/db?sslmode=verify-full&sslrootcert=%2Ftmp%2Fca.pem&application_name=x",
            "postgres://u:p@h:5/db?application_name=x",
            Some(VerifyFull),
            Some("/tmp/ca.pem"),
        );
        case(
            "postgresql://a,b/db?sslmode=require",
            "postgresql://a,b/db",
            Some(Require),
            None,
        );
        case(
            "host=h sslmode = verify-ca sslrootcert='/my dir/ca.pem' dbname=x",
            "host='h' dbname='x'",
            Some(VerifyCa),
            Some("/my dir/ca.pem"),
        );
        case(
            "host=h password='it\\'s' sslmode=disable",
            "host='h' password='it\\'s'",
            Some(Disable),
            None,
        );
        assert!(split("host=h sslmode=maybe").is_err());
        assert!(split("postgres://h/d?sslmode=verify").is_err());
        assert!(split("host='h").is_err());
        assert!(split("host").is_err());
    }

    #[test]
    fn system_roots_demand_verify_full() {
        let p = |m: Option<SslMode>| TlsParams {
            mode: m,
            root_cert: Some("system".into()),
            ..TlsParams::default()
        };
        assert_eq!(p(None).effective_mode().unwrap(), SslMode::VerifyFull);
        assert!(p(Some(SslMode::Require)).effective_mode().is_err());
        assert!(p(Some(SslMode::VerifyCa)).effective_mode().is_err());
        assert_eq!(
            TlsParams::default().effective_mode().unwrap(),
            SslMode::Prefer
        );
    }
}
