//! A small chat client: the code under test in this example. It asks the
//! chat server a question over a WebSocket and waits for the answer, and when
//! the connection drops before the answer comes it waits a moment and tries
//! again, a few times.
//!
//! Nothing here knows about wsroute: the tests in `tests/` route the sockets
//! this code opens.

use std::fmt;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use gloo_net::websocket::Message;
use gloo_net::websocket::futures::WebSocket;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// A chat server at one URL.
#[derive(Debug, Clone)]
pub struct Chat {
    url: String,
    attempts: u32,
    retry_after: Duration,
}

/// Why [`Chat::ask`] got no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChatError {
    /// The URL cannot be used for a WebSocket.
    BadUrl(String),
    /// Every attempt lost its connection before an answer came.
    GaveUp {
        /// How many connections were tried.
        attempts: u32,
    },
}

impl fmt::Display for ChatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChatError::BadUrl(why) => write!(f, "bad chat URL: {why}"),
            ChatError::GaveUp { attempts } => {
                write!(f, "no answer after {attempts} connections")
            }
        }
    }
}

impl std::error::Error for ChatError {}

impl Chat {
    /// A client of the chat server at `url`: three attempts, 50 ms apart.
    pub fn new(url: impl Into<String>) -> Self {
        Chat {
            url: url.into(),
            attempts: 3,
            retry_after: Duration::from_millis(50),
        }
    }

    /// How many connections [`Chat::ask`] tries before it gives up.
    pub fn attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts.max(1);
        self
    }

    /// Sends `question` and returns the server's first text answer. A
    /// connection that closes (or fails) first is retried on a new one.
    pub async fn ask(&self, question: &str) -> Result<String, ChatError> {
        for attempt in 1..=self.attempts {
            if attempt > 1 {
                sleep(self.retry_after).await;
            }
            let mut socket =
                WebSocket::open(&self.url).map_err(|e| ChatError::BadUrl(e.to_string()))?;
            if socket
                .send(Message::Text(question.to_string()))
                .await
                .is_err()
            {
                continue;
            }
            while let Some(Ok(message)) = socket.next().await {
                if let Message::Text(answer) = message {
                    let _ = socket.close(Some(1000), Some("thanks"));
                    return Ok(answer);
                }
            }
        }
        Err(ChatError::GaveUp {
            attempts: self.attempts,
        })
    }
}

/// Resolves after `wait` (the global `setTimeout`: pages and workers).
async fn sleep(wait: Duration) {
    let ms = wait.as_millis().min(i32::MAX as u128) as i32;
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let set_timeout = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("setTimeout"))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        match set_timeout {
            Some(f) => {
                let _ = f.call2(&JsValue::NULL, &resolve, &JsValue::from(ms));
            }
            None => {
                let _ = resolve.call0(&JsValue::NULL);
            }
        }
    });
    let _ = JsFuture::from(promise).await;
}
