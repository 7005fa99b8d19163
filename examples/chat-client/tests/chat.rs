//! The chat client against routes: a mock server, a server that drops the
//! connection, and the real server behind a route. Run with
//! `wasm-pack test --headless --chrome` (or `--firefox`).

use std::cell::Cell;
use std::rc::Rc;

use chat_client::{Chat, ChatError};
use wasm_bindgen_test::*;
use wsroute::Message;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn answers_from_a_mock_server() {
    let routes = wsroute::install().unwrap(); // uninstalls and unroutes on drop
    routes.route("wss://chat.example.test/", |ws| {
        let reply = ws.clone();
        ws.on_message(move |m| {
            if let Message::Text(question) = m {
                reply.send(format!("you asked: {question}"));
            }
        });
    });

    let answer = Chat::new("wss://chat.example.test/").ask("hello?").await;

    assert_eq!(answer, Ok("you asked: hello?".to_string()));
}

#[wasm_bindgen_test]
async fn asks_again_on_a_new_connection_when_the_first_one_drops() {
    let routes = wsroute::install().unwrap();
    let connections = Rc::new(Cell::new(0));
    let count = connections.clone();
    routes.route("wss://chat.example.test/", move |ws| {
        count.set(count.get() + 1);
        let first = count.get() == 1;
        let reply = ws.clone();
        ws.on_message(move |m| {
            if first {
                reply.close_with(Some(1011), Some("restarting")).unwrap();
            } else if let Message::Text(question) = m {
                reply.send(format!("you asked: {question}"));
            }
        });
    });

    let answer = Chat::new("wss://chat.example.test/").ask("still there?").await;

    assert_eq!(answer, Ok("you asked: still there?".to_string()));
    assert_eq!(connections.get(), 2);
}

#[wasm_bindgen_test]
async fn gives_up_after_its_attempts() {
    let routes = wsroute::install().unwrap();
    let connections = Rc::new(Cell::new(0));
    let count = connections.clone();
    routes.route("wss://chat.example.test/", move |ws| {
        count.set(count.get() + 1);
        ws.close(); // the server hangs up at once
    });

    let answer = Chat::new("wss://chat.example.test/").attempts(4).ask("anyone?").await;

    assert_eq!(answer, Err(ChatError::GaveUp { attempts: 4 }));
    assert_eq!(connections.get(), 4);
}

#[wasm_bindgen_test]
async fn gives_up_while_the_network_is_offline() {
    let routes = wsroute::install().unwrap();
    routes.route("wss://chat.example.test/", |ws| {
        let reply = ws.clone();
        ws.on_message(move |m| reply.send(m));
    });
    routes.set_offline(true);

    let answer = Chat::new("wss://chat.example.test/").ask("hello?").await;

    assert_eq!(answer, Err(ChatError::GaveUp { attempts: 3 }));
}

/// The echo server `cargo xtask test` starts; set `CHAT_ECHO_URL` (at build
/// time) to run the test against another one.
fn echo_server() -> String {
    match option_env!("CHAT_ECHO_URL") {
        Some(url) => url.to_string(),
        None => panic!("CHAT_ECHO_URL is not set: the URL of a WebSocket echo server"),
    }
}

#[wasm_bindgen_test]
async fn talks_to_the_real_server_through_a_route_that_watches() {
    let url = echo_server();
    let routes = wsroute::install().unwrap();
    let seen = Rc::new(Cell::new(0));
    let count = seen.clone();
    routes.route(url.as_str(), move |ws| {
        let server = ws.connect_to_server().unwrap();
        let (to_server, to_page, count) = (server.clone(), ws.clone(), count.clone());
        ws.on_message(move |m| {
            count.set(count.get() + 1);
            to_server.send(m);
        });
        server.on_message(move |m| to_page.send(m));
    });

    let answer = Chat::new(url.as_str()).ask("echo me").await;

    assert_eq!(answer, Ok("echo me".to_string()));
    assert_eq!(seen.get(), 1, "the route saw the question on its way");
}

#[wasm_bindgen_test]
async fn unrouted_sockets_reach_the_real_server() {
    let url = echo_server();
    let _routes = wsroute::install().unwrap();

    let answer = Chat::new(url.as_str()).ask("plain").await;

    assert_eq!(answer, Ok("plain".to_string()));
}
