//! Environment files: what an administrator has deployed, declared in TOML, for `interop check`
//! and `interop plan --env`. The products are written as in questions (`topology = "Exchange
//! 2016 and Skype for Business Server 2015 with the Skype for Business client"`) and read by
//! the question parser; the rest is what the prerequisite checks judge: the SIP domain, the
//! certificates and which Front Ends use which as OAuthTokenIssuer, the Autodiscover URIs, the
//! DNS records. The book's "Environment files" page documents it with complete examples.
//!
//! ```toml
//! topology = "Exchange 2016 and Skype for Business Server 2015 with the Skype for Business client"
//! sip-domain = "contoso.com"
//!
//! [exchange]
//! servers = ["ex01.contoso.com"]
//! autodiscover-internal-uri = "https://autodiscover.contoso.com/autodiscover/autodiscover.xml"
//!
//! [server]
//! front-ends = ["fe01.contoso.com", "fe02.contoso.com"]
//! oauth-exchange-autodiscover-url = "https://autodiscover.contoso.com/autodiscover/autodiscover.svc"
//!
//! [[certificate]]
//! name = "oauth"
//! subject = "CN=sfb.contoso.com, O=Contoso"
//! key-length = 2048
//! oauth-token-issuer-on = ["fe01.contoso.com", "fe02.contoso.com"]
//!
//! [[dns]]
//! name = "autodiscover.contoso.com"
//! target = "ex01.contoso.com"
//! ```

use serde::Deserialize;
use toml::Spanned;

use crate::diag::{Diagnostic, SourceText, did_you_mean};
use crate::kb::KnowledgeBase;
use crate::names::NameIndex;
use crate::query::{self, Question};

/// An environment file as written.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct Raw {
    topology: Spanned<String>,
    #[serde(default)]
    sip_domain: Option<String>,
    #[serde(default)]
    exchange: RawExchange,
    #[serde(default)]
    server: RawServer,
    #[serde(default)]
    certificate: Vec<Certificate>,
    #[serde(default)]
    dns: Vec<DnsRecord>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawExchange {
    #[serde(default)]
    servers: Vec<String>,
    #[serde(default)]
    autodiscover_internal_uri: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawServer {
    #[serde(default)]
    front_ends: Vec<String>,
    #[serde(default)]
    oauth_exchange_autodiscover_url: Option<String>,
}

/// A certificate, and the Front Ends that use it as their OAuthTokenIssuer certificate.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Certificate {
    pub name: String,
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub key_length: Option<u32>,
    #[serde(default)]
    pub oauth_token_issuer_on: Vec<String>,
}

/// A DNS record: a name and the name or address it resolves to.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct DnsRecord {
    pub name: String,
    pub target: String,
}

/// A deployment as declared.
#[derive(Debug, Clone)]
pub struct Environment {
    /// The file, for messages.
    pub file: SourceText,
    /// The products, read as a question's topology.
    pub topology: Question,
    pub sip_domain: Option<String>,
    pub exchange_servers: Vec<String>,
    pub autodiscover_internal_uri: Option<String>,
    pub front_ends: Vec<String>,
    pub oauth_exchange_autodiscover_url: Option<String>,
    pub certificates: Vec<Certificate>,
    pub dns: Vec<DnsRecord>,
}

const KEYS: &[&str] = &["topology", "sip-domain", "exchange", "server", "certificate", "dns"];

/// Read an environment file.
///
/// # Errors
/// Invalid TOML, an unknown key (with a did-you-mean), a topology that cannot be read: each
/// at its place in the file.
#[allow(clippy::result_large_err)] // one per file, on the way to the user
pub fn parse(kb: &KnowledgeBase, index: &NameIndex, name: &str, text: &str) -> Result<Environment, Diagnostic> {
    let file = SourceText::new(name.to_owned(), text.to_owned());
    let raw: Raw = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let msg = e.message().trim().to_owned();
        let mut d = Diagnostic::new(format!("invalid environment file: {msg}")).at(0, span);
        if let Some(rest) = msg.strip_prefix("unknown field `") {
            let field = rest.split('`').next().unwrap_or(rest);
            let all = [
                "servers",
                "autodiscover-internal-uri",
                "front-ends",
                "oauth-exchange-autodiscover-url",
                "name",
                "subject",
                "key-length",
                "oauth-token-issuer-on",
                "target",
            ];
            d = d.suggest(did_you_mean(field, KEYS.iter().chain(all.iter()).copied()));
        }
        d.note("the book's \"Environment files\" page shows every key with an example")
    })?;
    let t = raw.topology.get_ref();
    let at = raw.topology.span().start + 1;
    let topology = query::parse_topology(kb, index, t).map_err(|mut d| {
        d.span = d.span.map(|s| s.start + at..s.end + at);
        if d.span.is_none() {
            d.span = Some(raw.topology.span());
        }
        d.file = Some(0);
        d
    })?;
    Ok(Environment {
        file,
        topology,
        sip_domain: raw.sip_domain,
        exchange_servers: raw.exchange.servers,
        autodiscover_internal_uri: raw.exchange.autodiscover_internal_uri,
        front_ends: raw.server.front_ends,
        oauth_exchange_autodiscover_url: raw.server.oauth_exchange_autodiscover_url,
        certificates: raw.certificate,
        dns: raw.dns,
    })
}

/// What one check found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Finding {
    Pass,
    /// It fails: what was found.
    Fail(String),
    /// The file does not declare what the check needs: what to declare.
    NotDeclared(String),
}

/// The host of a URL: `https://autodiscover.contoso.com/x` → `autodiscover.contoso.com`.
fn host(url: &str) -> Option<&str> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', ':', '?', '#']).next()?;
    (!host.is_empty()).then_some(host)
}

impl Environment {
    /// The certificates some Front End uses as OAuthTokenIssuer.
    fn oauth_certificates(&self) -> Vec<&Certificate> {
        self.certificates
            .iter()
            .filter(|c| !c.oauth_token_issuer_on.is_empty())
            .collect()
    }

    /// Judge one test, as the data's `[[check]]` names it (`test = "…"`, with `min` for the
    /// tests that take a number).
    #[must_use]
    pub fn judge(&self, test: &str, min: Option<i64>) -> Finding {
        use Finding::{Fail, NotDeclared, Pass};
        let oauth = self.oauth_certificates();
        let no_oauth = || NotDeclared("a [[certificate]] with `oauth-token-issuer-on`".into());
        match test {
            "oauth-certificate-key-length" => {
                if oauth.is_empty() {
                    return no_oauth();
                }
                let min = min.unwrap_or(2048);
                for c in &oauth {
                    match c.key_length {
                        None => return NotDeclared(format!("`key-length` of certificate `{}`", c.name)),
                        Some(k) if i64::from(k) < min => {
                            return Fail(format!(
                                "certificate `{}` has a {k}-bit key; at least {min} bits are needed",
                                c.name
                            ));
                        }
                        Some(_) => {}
                    }
                }
                Pass
            }
            "oauth-certificate-subject-sip-domain" => {
                if oauth.is_empty() {
                    return no_oauth();
                }
                let Some(domain) = &self.sip_domain else {
                    return NotDeclared("`sip-domain`".into());
                };
                for c in &oauth {
                    let Some(subject) = &c.subject else {
                        return NotDeclared(format!("`subject` of certificate `{}`", c.name));
                    };
                    if !subject.to_lowercase().contains(&domain.to_lowercase()) {
                        return Fail(format!(
                            "the subject of certificate `{}` ({subject}) does not include the SIP domain {domain}",
                            c.name
                        ));
                    }
                }
                Pass
            }
            "oauth-certificate-same-on-all-front-ends" => {
                if self.front_ends.is_empty() {
                    return NotDeclared("`front-ends` under [server]".into());
                }
                if oauth.is_empty() {
                    return no_oauth();
                }
                let mut used: Vec<(&str, Vec<&str>)> = Vec::new();
                for fe in &self.front_ends {
                    let on: Vec<&str> = oauth
                        .iter()
                        .filter(|c| c.oauth_token_issuer_on.iter().any(|x| x.eq_ignore_ascii_case(fe)))
                        .map(|c| c.name.as_str())
                        .collect();
                    used.push((fe, on));
                }
                if let Some((fe, _)) = used.iter().find(|(_, on)| on.is_empty()) {
                    return Fail(format!("Front End {fe} has no OAuthTokenIssuer certificate"));
                }
                let first = &used[0].1;
                if let Some((fe, on)) = used.iter().find(|(_, on)| on != first) {
                    return Fail(format!(
                        "Front End {fe} uses {} while {} uses {}; every Front End must use the same certificate",
                        on.join(", "),
                        used[0].0,
                        first.join(", ")
                    ));
                }
                Pass
            }
            "autodiscover-internal-uri" => match self.autodiscover_internal_uri.as_deref() {
                None => NotDeclared("`autodiscover-internal-uri` under [exchange]".into()),
                Some(u) if u.trim().is_empty() => Fail("AutoDiscoverServiceInternalUri is empty".into()),
                Some(u) if host(u).is_none() => Fail(format!("`{u}` is not a URI")),
                Some(_) => Pass,
            },
            "oauth-autodiscover-svc" => match self.oauth_exchange_autodiscover_url.as_deref() {
                None => NotDeclared("`oauth-exchange-autodiscover-url` under [server]".into()),
                Some(u) if u.to_lowercase().trim_end_matches('/').ends_with("autodiscover.svc") => Pass,
                Some(u) if u.to_lowercase().ends_with("autodiscover.xml") => Fail(format!(
                    "`{u}` points at autodiscover.xml, the file the service uses; use autodiscover.svc"
                )),
                Some(u) => Fail(format!("`{u}` does not end in autodiscover.svc")),
            },
            "autodiscover-dns" => {
                let Some(name) = self
                    .autodiscover_internal_uri
                    .as_deref()
                    .or(self.oauth_exchange_autodiscover_url.as_deref())
                    .and_then(host)
                else {
                    return NotDeclared("an Autodiscover URI, to know its name".into());
                };
                match self.dns.iter().find(|r| r.name.eq_ignore_ascii_case(name)) {
                    None => Fail(format!("no DNS record for {name}")),
                    Some(r)
                        if !self.exchange_servers.is_empty()
                            && !self.exchange_servers.iter().any(|s| s.eq_ignore_ascii_case(&r.target)) =>
                    {
                        Fail(format!(
                            "{name} resolves to {}, which is not one of the Exchange servers ({})",
                            r.target,
                            self.exchange_servers.join(", ")
                        ))
                    }
                    Some(_) => Pass,
                }
            }
            other => NotDeclared(format!(
                "the test `{other}`, which this version of interop does not know"
            )),
        }
    }
}

pub use crate::kb::TESTS;

#[cfg(test)]
mod tests {
    use super::host;

    #[test]
    fn the_host_of_a_url() {
        assert_eq!(
            host("https://autodiscover.contoso.com/autodiscover/autodiscover.svc"),
            Some("autodiscover.contoso.com")
        );
        assert_eq!(host("autodiscover.contoso.com:443/x"), Some("autodiscover.contoso.com"));
        assert_eq!(host("https://"), None);
    }
}
