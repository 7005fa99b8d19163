//! Invariants over every order of a set of inputs.

use super::*;

/// Every ordering of a handful of inputs keeps the driver's invariants
/// (monotonic readyState, one close, error then close, Finished once).
#[test]
fn invariants_hold_for_every_order_of_a_few_inputs() {
    let inputs = [
        HandlerReturned,
        RunOneTaskIfAny,
        PageSend(M::Text("p")),
        PageClose(Some(1000), None),
        RouteSend(Page, M::Text("r")),
        RouteClose(Page, Some(3000), None),
        ServerClosed(1000, "", true, false),
        HandlerFailed,
    ];
    let prefixes: [&[Step]; 3] = [
        &[RunTasks],
        &[RunTasks, Connect, ServerOpened("", "")],
        &[RunTasks, Connect, On(Page, OnClose), On(Server, OnClose)],
    ];
    let mut count = 0;
    for prefix in prefixes {
        for order in permutations(inputs.len()) {
            let mut d = Driver::new(&["chat"]);
            for step in prefix {
                d.step(*step);
            }
            for i in order {
                d.step(inputs[i]);
            }
            d.step(RunTasks);
            assert!(d.closes <= 1);
            count += 1;
        }
    }
    assert_eq!(count, 3 * 40320);
}

fn permutations(n: usize) -> Vec<Vec<usize>> {
    fn go(rest: &mut Vec<usize>, cur: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        if rest.is_empty() {
            out.push(cur.clone());
            return;
        }
        for i in 0..rest.len() {
            let x = rest.remove(i);
            cur.push(x);
            go(rest, cur, out);
            cur.pop();
            rest.insert(i, x);
        }
    }
    let mut out = Vec::new();
    go(&mut (0..n).collect(), &mut Vec::new(), &mut out);
    out
}

/// Once both sides are done the edge keeps only the page's state: it must
/// answer as the socket did, and keep the rules of a closed socket.
#[test]
fn the_page_state_left_after_finish_answers_as_the_socket_did() {
    // A mocked socket that exchanged messages, then closed from both sides.
    let mut s: Socket<Test> = Socket::new(vec!["chat".into()], "handler");
    let mut finished = false;
    let drain = |s: &mut Socket<Test>, finished: &mut bool| {
        while let Some(e) = s.poll_effect() {
            match e {
                Effect::ScheduleTask => s.run_task(),
                Effect::ScheduleDeparture => s.departed(),
                Effect::RunHandler(_) => s.handler_returned(),
                Effect::Finished => *finished = true,
                _ => {}
            }
        }
    };
    drain(&mut s, &mut finished);
    assert_eq!(s.page().ready_state(), ReadyState::Open);
    for i in 0..20 {
        assert_eq!(s.page_send(Message::from(format!("m{i}"))), Ok(()));
        s.route_send(Side::Page, Message::from(format!("r{i}")));
    }
    drain(&mut s, &mut finished);
    s.page_close(Some(1000), Some("bye".into()));
    s.set_binary_type("arraybuffer");
    drain(&mut s, &mut finished);
    assert!(finished, "both sides are done");
    // Sends after close still count (the spec's bufferedAmount rule).
    assert_eq!(s.page_send(Message::from("late")), Ok(()));
    let mut left = s.page().clone();
    assert_eq!(
        (
            left.ready_state(),
            left.buffered_amount(),
            left.protocol(),
            left.extensions(),
            left.binary_type()
        ),
        (ReadyState::Closed, 4, "chat", "", BinaryType::ArrayBuffer)
    );
    assert_eq!(left.send_after_close(3), Ok(()));
    left.set_binary_type("blob");
    assert_eq!(
        (left.buffered_amount(), left.binary_type()),
        (7, BinaryType::Blob)
    );
    assert!(s.poll_effect().is_none());
}
