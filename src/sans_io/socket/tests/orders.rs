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

#[test]
fn compact_after_finish_keeps_every_answer() {
    // A mocked socket that exchanged messages, then closed from both sides.
    let mut s: Socket<Message> = Socket::new(vec!["chat".into()]);
    let mut finished = false;
    let drain = |s: &mut Socket<Message>, finished: &mut bool| {
        while let Some(e) = s.poll_effect() {
            match e {
                Effect::ScheduleTask => s.run_task(),
                Effect::RunHandler => s.handler_returned(),
                Effect::Finished => *finished = true,
                _ => {}
            }
        }
    };
    drain(&mut s, &mut finished);
    assert_eq!(s.ready_state(), ReadyState::Open);
    for i in 0..20 {
        assert_eq!(s.page_send(Message::from(format!("m{i}"))), Ok(()));
        s.route_send(Side::Page, Message::from(format!("r{i}")));
    }
    drain(&mut s, &mut finished);
    s.page_close(Some(1000), Some("bye".into()));
    drain(&mut s, &mut finished);
    assert!(finished, "both sides are done");
    let before = (
        s.ready_state(),
        s.buffered_amount(),
        s.protocol().to_owned(),
        s.requested_protocols().to_vec(),
    );
    s.compact();
    assert_eq!(
        (
            s.ready_state(),
            s.buffered_amount(),
            s.protocol().to_owned(),
            s.requested_protocols().to_vec()
        ),
        before
    );
    // Sends after close still count (the spec's bufferedAmount rule), after compaction too.
    assert_eq!(s.page_send(Message::from("late")), Ok(()));
    assert_eq!(s.buffered_amount(), before.1 + 4);
    assert_eq!(s.poll_effect(), None);
}
