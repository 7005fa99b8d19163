//! Argument validation for the `WebSocket` interface, as the [WHATWG WebSockets standard][ws]
//! and the host browsers do it.
//!
//! Messages follow Chromium's (`third_party/blink/renderer/modules/websockets/websocket_common.cc`),
//! without the `Failed to construct 'WebSocket': ` / `Failed to execute 'close' on 'WebSocket': `
//! prefix that the browser bindings add.
//!
//! [ws]: https://websockets.spec.whatwg.org/

use std::fmt;

use crate::sans_io::urls::UrlError;

/// Where the host browsers disagree with the standard (and with WPT), which answer to give.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Quirks {
    /// The standard's (and WPT's) answer.
    #[default]
    Spec,
    /// Chromium's answer: protocols are compared case-sensitively for duplicates, and a
    /// fractional close code is truncated instead of rounded.
    Chromium,
    /// Firefox's answer: protocols are compared case-sensitively for duplicates (a fractional
    /// close code is rounded, as the standard says).
    Firefox,
}

/// A `DOMException` that the `WebSocket` interface throws.
///
/// [`Display`](fmt::Display) gives the message; [`name`](DomError::name) and
/// [`code`](DomError::code) give the exception's name and legacy code.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DomError {
    /// `SyntaxError` (legacy code 12).
    Syntax(String),
    /// `InvalidAccessError` (legacy code 15).
    InvalidAccess(String),
    /// `InvalidStateError` (legacy code 11).
    InvalidState(String),
}

impl DomError {
    /// The `DOMException` name, e.g. `"SyntaxError"`.
    pub fn name(&self) -> &'static str {
        match self {
            DomError::Syntax(_) => "SyntaxError",
            DomError::InvalidAccess(_) => "InvalidAccessError",
            DomError::InvalidState(_) => "InvalidStateError",
        }
    }

    /// The legacy `DOMException.code` (`SYNTAX_ERR` = 12, `INVALID_ACCESS_ERR` = 15,
    /// `INVALID_STATE_ERR` = 11).
    #[cfg(test)]
    pub fn code(&self) -> u16 {
        match self {
            DomError::Syntax(_) => 12,
            DomError::InvalidAccess(_) => 15,
            DomError::InvalidState(_) => 11,
        }
    }

    /// The message.
    pub fn message(&self) -> &str {
        match self {
            DomError::Syntax(m) | DomError::InvalidAccess(m) | DomError::InvalidState(m) => m,
        }
    }
}

impl fmt::Display for DomError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for DomError {}

impl From<UrlError> for DomError {
    /// Every URL error is a `SyntaxError`.
    fn from(e: UrlError) -> Self {
        DomError::Syntax(e.to_string())
    }
}

/// Is `c` an RFC 7230 `tchar` (what a subprotocol token is made of)?
fn is_tchar(c: char) -> bool {
    // Bytes, not `str::contains(char)`, which links the substring searcher.
    c.is_ascii_alphanumeric() || (c.is_ascii() && b"!#$%&'*+-.^_`|~".contains(&(c as u8)))
}

/// Chromium's way of quoting a subprotocol in a message: characters outside U+0020..U+007E as
/// `\uXXXX` (UTF-16 code units, upper-case hex), a backslash as `\\`.
fn quote_protocol(protocol: &str) -> String {
    let mut out = String::with_capacity(protocol.len());
    for unit in protocol.encode_utf16() {
        match unit {
            0x5C => out.push_str("\\\\"),
            0x20..=0x7E => out.push(char::from(unit as u8)),
            _ => out.push_str(&format!("\\u{unit:04X}")),
        }
    }
    out
}

/// Validates the `protocols` argument of `new WebSocket(url, protocols)`.
///
/// Each protocol must be a non-empty token (RFC 7230 `tchar`s: ASCII letters and digits and
/// ``!#$%&'*+-.^_`|~``), and no protocol may occur twice. The standard compares ASCII
/// case-insensitively (WPT `Create-protocols-repeated-case-insensitive`); Chromium compares
/// case-sensitively, and so does Firefox (ESR 153), so `["a", "A"]` passes with
/// [`Quirks::Chromium`] and [`Quirks::Firefox`]. Like Chromium, every
/// protocol is checked for validity before any is checked for duplicates.
pub fn validate_protocols(protocols: &[String], quirks: Quirks) -> Result<(), DomError> {
    if let Some(bad) = protocols
        .iter()
        .find(|p| p.is_empty() || !p.chars().all(is_tchar))
    {
        return Err(DomError::Syntax(format!(
            "The subprotocol '{}' is invalid.",
            quote_protocol(bad)
        )));
    }
    // Protocol lists are short: a quadratic scan is smaller code than a set and as fast.
    for (i, p) in protocols.iter().enumerate() {
        let earlier = protocols.iter().take(i);
        let duplicated = match quirks {
            Quirks::Spec => earlier.into_iter().any(|q| q.eq_ignore_ascii_case(p)),
            Quirks::Chromium | Quirks::Firefox => earlier.into_iter().any(|q| q == p),
        };
        if duplicated {
            return Err(DomError::Syntax(format!(
                "The subprotocol '{}' is duplicated.",
                quote_protocol(p)
            )));
        }
    }
    Ok(())
}

/// Converts a JavaScript number to the `code` argument of `WebSocket.close()`, a WebIDL
/// `[Clamp] unsigned short`.
///
/// NaN becomes 0, the value is clamped to `[0, 65535]` (infinities included), then rounded to
/// the nearest integer with ties to even ([`Quirks::Spec`]: `3000.5` -> 3000, `3001.5` -> 3002)
/// or truncated toward zero ([`Quirks::Chromium`]: `3000.9` -> 3000).
pub fn clamp_close_code(value: f64, quirks: Quirks) -> u16 {
    if value.is_nan() {
        return 0;
    }
    let clamped = value.clamp(0.0, 65535.0);
    let integral = match quirks {
        Quirks::Spec | Quirks::Firefox => clamped.round_ties_even(),
        Quirks::Chromium => clamped.trunc(),
    };
    // `integral` is a whole number in [0, 65535]: the cast is exact (and `as` saturates anyway).
    integral as u16
}

/// The longest close reason, in UTF-8 bytes, that fits in a close frame.
pub const MAX_CLOSE_REASON_BYTES: usize = 123;

/// Whether a page may pass `code` to `WebSocket.close()`: 1000, or 3000-4999.
fn page_may_send(code: u16) -> bool {
    code == 1000 || (3000..=4999).contains(&code)
}

/// What a browser can put in a close frame for a close that a route or a server asked for,
/// given to a real socket's `close()`: a code a page may not send (1001-2999, 5000 and up)
/// travels as 1000 with the reason kept; a reason goes only with a code, and only when it
/// fits in [`MAX_CLOSE_REASON_BYTES`].
pub fn client_close(code: Option<u16>, reason: Option<String>) -> (Option<u16>, Option<String>) {
    let code = code.map(|c| if page_may_send(c) { c } else { 1000 });
    let reason = code
        .and(reason)
        .filter(|r| r.len() <= MAX_CLOSE_REASON_BYTES);
    (code, reason)
}

/// Validates the arguments of `WebSocket.close(code, reason)`.
///
/// A `code` that is present must be 1000 or in 3000..=4999, else `InvalidAccessError`; a
/// `reason` longer than 123 UTF-8 bytes is a `SyntaxError`. The code is checked first.
///
/// `reason` must already be the USVString (lone surrogates replaced by U+FFFD, see
/// [`utf8_len_of_utf16`]).
pub fn validate_close(code: Option<u16>, reason: Option<&str>) -> Result<(), DomError> {
    let allowed = page_may_send;
    if let Some(code) = code.filter(|&c| !allowed(c)) {
        return Err(DomError::InvalidAccess(format!(
            "The close code must be either 1000, or between 3000 and 4999. {code} is neither."
        )));
    }
    if reason.is_some_and(|r| r.len() > MAX_CLOSE_REASON_BYTES) {
        return Err(DomError::Syntax(format!(
            "The close reason must not be greater than {MAX_CLOSE_REASON_BYTES} UTF-8 bytes."
        )));
    }
    Ok(())
}

/// Converts and validates the arguments of `WebSocket.close(code, reason)` as the host
/// browser's binding does: `code` is the number before its `[Clamp] unsigned short`
/// conversion ([`clamp_close_code`]), then [`validate_close`] checks both. Chromium's binding
/// converts an explicit `undefined` code followed by a reason as 0, not as "no code".
pub fn close_arguments(
    code: Option<f64>,
    reason: Option<String>,
    quirks: Quirks,
) -> Result<(Option<u16>, Option<String>), DomError> {
    let code = match (code, &reason, quirks) {
        (None, Some(_), Quirks::Chromium) => Some(0.0),
        (c, _, _) => c,
    };
    let code = code.map(|c| clamp_close_code(c, quirks));
    validate_close(code, reason.as_deref())?;
    Ok((code, reason))
}

/// The `code` of a route's `close({ code })`, given as a JavaScript number: an integer that
/// [`route_close_code_ok`] accepts, or `None`.
pub fn route_close_code(value: f64) -> Option<u16> {
    // NaN and infinities have a NaN fraction. A whole number outside [0, 65535]
    // saturates to 0 or 65535, which `route_close_code_ok` refuses; inside, the
    // cast is exact.
    let whole = value.fract() == 0.0;
    Some(value as u16).filter(|&c| whole && route_close_code_ok(c))
}

/// May a route's `close({ code })` use this code?
///
/// The rule: any code in `1000..=4999`, i.e. any code a server could report to the page,
/// not just the ones a page may pass to `WebSocket.close()` (1000, 3000..=4999). Within that
/// range three codes have a meaning of their own, and are accepted for it:
/// - 1005 ("no status") means the same as closing without a code;
/// - 1006 ("abnormal closure") from a page-side route fails the page socket like a dropped
///   connection (`error`, then `close` with `wasClean: false`);
/// - 1004 and 1015 (reserved / TLS failure) are delivered as they are.
///
/// Codes below 1000 and from 5000 up are refused: no close frame can carry them.
pub fn route_close_code_ok(code: u16) -> bool {
    (1000..=4999).contains(&code)
}

/// A network condition that cannot be: which field, and what it must be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConditionError {
    /// The field, as JavaScript names it (`latency`, `downloadThroughput`, ...).
    pub field: &'static str,
    /// What it must be.
    pub expected: &'static str,
}

impl fmt::Display for ConditionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} must be {}", self.field, self.expected)
    }
}

impl std::error::Error for ConditionError {}

/// `latency` in milliseconds: a finite number >= 0.
pub fn latency(ms: f64) -> Result<f64, ConditionError> {
    if ms.is_finite() && ms >= 0.0 {
        Ok(ms)
    } else {
        Err(ConditionError {
            field: "latency",
            expected: "a number of milliseconds >= 0",
        })
    }
}

/// A throughput in bytes per second: `None` (unlimited) for 0 or -1, the
/// rate for a finite positive number.
pub fn throughput(
    field: &'static str,
    bytes_per_second: f64,
) -> Result<Option<f64>, ConditionError> {
    if bytes_per_second.is_finite() && bytes_per_second > 0.0 {
        Ok(Some(bytes_per_second))
    } else if bytes_per_second == 0.0 || bytes_per_second == -1.0 {
        Ok(None)
    } else {
        Err(ConditionError {
            field,
            expected: "a number of bytes per second > 0 (0 or -1: unlimited)",
        })
    }
}

/// The number of UTF-8 bytes a JavaScript string (given as UTF-16 code units) has after
/// conversion to a USVString, where every lone surrogate becomes U+FFFD (3 bytes).
///
/// This is what `bufferedAmount` grows by on `send(string)`, and what the 123-byte close
/// reason limit counts.
#[cfg(test)]
pub fn utf8_len_of_utf16(units: impl Iterator<Item = u16>) -> u64 {
    let mut total = 0u64;
    let mut units = units.peekable();
    while let Some(unit) = units.next() {
        total += match unit {
            0x0000..=0x007F => 1,
            0x0080..=0x07FF => 2,
            // A high surrogate followed by a low one: a pair, one supplementary character.
            0xD800..=0xDBFF if units.next_if(|u| (0xDC00..=0xDFFF).contains(u)).is_some() => 4,
            // The rest of the BMP, and lone surrogates (which become U+FFFD).
            _ => 3,
        };
    }
    total
}

#[cfg(test)]
mod tests;
