//! TLS for every connection, with libpq's parameters and their meaning: `sslmode`
//! (`disable`, `prefer`, `require`, `verify-ca`, `verify-full`), `sslrootcert` (a PEM file,
//! or `system` for the OS trust store), `sslcert` and `sslkey` (a client certificate).
//!
//! The driver only understands `disable`, `prefer` and `require`, so the TLS keys are taken
//! out of the connection string here and turned into a rustls configuration.

use std::fmt;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{self, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tokio_postgres_rustls::MakeRustlsConnect;

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
    /// libpq's spelling (`allow` is taken as `prefer`).
    pub(crate) fn parse(value: &str) -> Option<Self> {
        Some(match value {
            "disable" => Self::Disable,
            "prefer" | "allow" => Self::Prefer,
            "require" => Self::Require,
            "verify-ca" => Self::VerifyCa,
            "verify-full" => Self::VerifyFull,
            _ => return None,
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

/// The TLS keys of a connection string (see [`super::config`]).
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
    /// `sslsni=0`: send no server name.
    pub sni_off: bool,
    /// `sslcertmode=disable`: never send a client certificate.
    pub client_cert_off: bool,
    /// `ssl_min_protocol_version=TLSv1.3`.
    pub min_tls13: bool,
    /// `ssl_max_protocol_version=TLSv1.2`.
    pub max_tls12: bool,
    /// The home directory, where `~/.postgresql/` is (libpq's default certificate files);
    /// `None`: no such files.
    pub home: Option<PathBuf>,
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
        let driver_mode = driver_mode(mode);
        let mut provider = crypto::ring::default_provider();
        // PostgreSQL's OpenSSL accepts only its `ssl_ecdh_curve` (default prime256v1, up to
        // PostgreSQL 17) for the key exchange: a client hello whose key share is X25519
        // (rustls' first choice) costs a HelloRetryRequest, one more round trip, on every
        // connection. P-256's key share first; the others stay offered.
        provider
            .kx_groups
            .sort_by_key(|g| g.name() != rustls::NamedGroup::secp256r1);
        let provider = Arc::new(provider);
        let verifier: Arc<dyn ServerCertVerifier> = match (mode, self.roots(mode)?) {
            (SslMode::Disable | SslMode::Prefer, _) | (SslMode::Require, None) => {
                Arc::new(AcceptAny(Arc::clone(&provider)))
            }
            (SslMode::VerifyFull, Some(roots)) => webpki(roots, &provider)?,
            (_, Some(roots)) => Arc::new(ChainOnly(webpki(roots, &provider)?)),
            (_, None) => return Err(Error::Internal("verify mode without roots".into())),
        };
        let versions: &[&rustls::SupportedProtocolVersion] = match (self.min_tls13, self.max_tls12)
        {
            (true, true) => {
                return Err(Error::invalid(
                    "ssl_min_protocol_version is above ssl_max_protocol_version",
                ))
            }
            (true, false) => &[&rustls::version::TLS13],
            (false, true) => &[&rustls::version::TLS12],
            (false, false) => rustls::DEFAULT_VERSIONS,
        };
        let builder = ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(versions)
            .map_err(|e| Error::Internal(format!("TLS set-up: {e}")))?
            .dangerous()
            .with_custom_certificate_verifier(verifier);
        let identity = if self.client_cert_off || mode == SslMode::Disable {
            None
        } else {
            self.client_identity()?
        };
        let mut config = match identity {
            Some((certs, key)) => builder.with_client_auth_cert(certs, key).map_err(|e| {
                Error::invalid(format!("client certificate and key do not match: {e}"))
            })?,
            None => builder.with_no_client_auth(),
        };
        config.enable_sni = !self.sni_off;
        Ok((driver_mode, MakeRustlsConnect::new(config)))
    }

    /// The driver's mode: what it must ask the server for (the verification is the
    /// connector's).
    ///
    /// # Errors
    /// As [`TlsParams::effective_mode`].
    pub fn driver_mode(&self) -> Result<postgres::config::SslMode> {
        Ok(driver_mode(self.effective_mode()?))
    }

    /// `~/.postgresql/NAME`, if there is a home directory.
    fn home_file(&self, name: &str) -> Option<PathBuf> {
        self.home.as_ref().map(|h| h.join(".postgresql").join(name))
    }

    /// A connector for connections that never use TLS (Unix sockets, `sslmode=disable`):
    /// reads no file.
    ///
    /// # Errors
    /// `internal` if rustls cannot be set up.
    pub fn plain() -> Result<MakeRustlsConnect> {
        Ok(Self {
            mode: Some(SslMode::Disable),
            ..Self::default()
        }
        .connector()?
        .1)
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
            None => match self.home_file("root.crt").filter(|p| p.exists()) {
                Some(p) => p,
                None if mode >= SslMode::VerifyCa => {
                    let default = self.home_file("root.crt").map_or_else(
                        || "~/.postgresql/root.crt (no home directory is known)".into(),
                        |p| p.display().to_string(),
                    );
                    return Err(Error::invalid(format!(
                        "sslmode={mode} needs a root certificate, and {default} does not \
                         exist: set sslrootcert=PATH (PEM) or sslrootcert=system"
                    )));
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
        // libpq (initialize_SSL): a certificate file that does not exist, named or not,
        // means no client certificate; any other trouble with it is an error
        let Some(cert) = self
            .cert
            .as_ref()
            .map(PathBuf::from)
            .or_else(|| self.home_file("postgresql.crt"))
        else {
            return Ok(None);
        };
        if let Err(e) = std::fs::metadata(&cert) {
            if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) {
                return Ok(None);
            }
        }
        let key = match &self.key {
            Some(p) => PathBuf::from(p),
            None => self.home_file("postgresql.key").unwrap_or_default(),
        };
        let certs = read_pem::<CertificateDer<'static>>(&cert, "sslcert")?;
        check_key_permissions(&key)?;
        if std::fs::read_to_string(&key).is_ok_and(|k| k.contains("ENCRYPTED")) {
            return Err(Error::invalid(format!(
                "sslkey {} is encrypted, and lobu-admin cannot decrypt keys (sslpassword): \
                 store it decrypted, readable by its owner only (openssl pkey -in KEY -out NEW)",
                key.display()
            )));
        }
        let key = PrivateKeyDer::from_pem_file(&key)
            .map_err(|e| Error::invalid(format!("sslkey {}: {e}", key.display())))?;
        Ok(Some((certs, key)))
    }
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

/// The driver's mode for `mode`: what it must ask the server for (the verification is the
/// connector's).
fn driver_mode(mode: SslMode) -> postgres::config::SslMode {
    match mode {
        SslMode::Disable => postgres::config::SslMode::Disable,
        SslMode::Prefer => postgres::config::SslMode::Prefer,
        _ => postgres::config::SslMode::Require,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_client_certificate_is_none_as_in_libpq() {
        let p = TlsParams {
            mode: Some(SslMode::Require),
            cert: Some("/nonexistent/client.crt".into()),
            key: Some("/nonexistent/client.key".into()),
            ..TlsParams::default()
        };
        assert!(p.client_identity().unwrap().is_none());
        p.connector().unwrap();
        // a path through a plain file (ENOTDIR) too; a directory is an error
        let p = TlsParams {
            cert: Some("/etc/passwd/client.crt".into()),
            ..p
        };
        assert!(p.client_identity().unwrap().is_none());
        let p = TlsParams {
            cert: Some("/etc".into()),
            ..p
        };
        assert!(p.client_identity().is_err());
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
