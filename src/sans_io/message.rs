//! The message a socket carries, and what the state machine needs to know of it.

/// A WebSocket message: text or binary, as
/// [`MessageEvent.data`](https://developer.mozilla.org/en-US/docs/Web/API/MessageEvent/data)
/// carries it (a `Blob` or `ArrayBuffer` is its bytes).
///
/// Text is always valid Unicode: a JavaScript string with lone surrogates is
/// converted (each becomes U+FFFD) before it gets here, as `WebSocket.send()`
/// does.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Message {
    /// A text frame.
    Text(String),
    /// A binary frame.
    Binary(Vec<u8>),
}

impl Message {
    /// The text, if this is a text message.
    ///
    /// ```
    /// use wsroute::Message;
    /// assert_eq!(Message::from("ping").text(), Some("ping"));
    /// assert_eq!(Message::from(vec![1u8]).text(), None);
    /// ```
    pub fn text(&self) -> Option<&str> {
        match self {
            Message::Text(s) => Some(s),
            Message::Binary(_) => None,
        }
    }

    /// The bytes, if this is a binary message.
    ///
    /// ```
    /// use wsroute::Message;
    /// assert_eq!(Message::from(vec![1u8, 2]).bytes(), Some(&[1u8, 2][..]));
    /// assert_eq!(Message::from("ping").bytes(), None);
    /// ```
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            Message::Text(_) => None,
            Message::Binary(b) => Some(b),
        }
    }
}

impl From<&str> for Message {
    fn from(s: &str) -> Self {
        Message::Text(s.to_owned())
    }
}

impl From<String> for Message {
    fn from(s: String) -> Self {
        Message::Text(s)
    }
}

impl From<Vec<u8>> for Message {
    fn from(b: Vec<u8>) -> Self {
        Message::Binary(b)
    }
}

impl From<&[u8]> for Message {
    fn from(b: &[u8]) -> Self {
        Message::Binary(b.to_vec())
    }
}

/// What the state machine needs to know about a message it carries.
///
/// The edge carries JavaScript values (no copy into wasm memory); tests and
/// the Rust API carry [`Message`].
pub trait Payload {
    /// Bytes this message adds to `bufferedAmount`: UTF-8 length for text,
    /// byte length for binary.
    fn byte_len(&self) -> u64;

    /// [`Payload::byte_len`] when it is known without a pass over the
    /// message (binary data, or text measured before); `None` otherwise.
    fn known_len(&self) -> Option<u64> {
        None
    }
}

impl Payload for Message {
    fn byte_len(&self) -> u64 {
        match self {
            Message::Text(s) => s.len() as u64,
            Message::Binary(b) => b.len() as u64,
        }
    }

    fn known_len(&self) -> Option<u64> {
        Some(self.byte_len())
    }
}

#[cfg(test)]
mod tests {
    use super::Message;

    #[test]
    fn text_and_bytes_give_the_payload_of_their_kind_only() {
        let text = Message::from("ping");
        let binary = Message::from(vec![1u8, 2]);
        let empty_text = Message::from("");
        let empty_binary = Message::from(Vec::<u8>::new());
        assert_eq!(text.text(), Some("ping"));
        assert_eq!(text.bytes(), None);
        assert_eq!(binary.bytes(), Some(&[1u8, 2][..]));
        assert_eq!(binary.text(), None);
        assert_eq!(empty_text.text(), Some(""));
        assert_eq!(empty_binary.bytes(), Some(&[][..]));
        assert_eq!(empty_binary.text(), None);
    }
}
