// Record and replay (HAR) for the demo: "Record" records every socket of the
// page, "Stop" ends the recording and offers it as a download, "Replay chat"
// serves the chat panel from the recording (or from a .har file you pick)
// instead of the mock route. The app itself knows nothing of it.
(function () {
  'use strict';

  const $ = (id) => document.getElementById(id);

  function start() {
    const record = $('har-record');
    const download = $('har-download');
    const replay = $('har-replay');
    const file = $('har-file');
    const status = $('har-status');
    if (!globalThis.wsroute || !record) return;
    const chat = (globalThis.DEMO_URLS || {}).chat;
    let recorder = null;
    let har = null;

    const say = (text) => (status.textContent = text);

    function offer(log) {
      har = log;
      const blob = new Blob([JSON.stringify(log, null, 2)], { type: 'application/json' });
      if (download.href) URL.revokeObjectURL(download.href);
      download.href = URL.createObjectURL(blob);
      download.hidden = false;
      replay.disabled = false;
    }

    record.addEventListener('click', () => {
      if (recorder) {
        const log = recorder.stop();
        recorder = null;
        record.textContent = 'Record';
        record.classList.remove('recording');
        const frames = log.log.entries.reduce((n, e) => n + (e._webSocketMessages || []).length, 0);
        say(`recorded ${log.log.entries.length} socket(s), ${frames} frame(s)`);
        offer(log);
        return;
      }
      recorder = wsroute.recordHAR();
      record.textContent = 'Stop';
      record.classList.add('recording');
      say('recording every new socket: reconnect a panel and talk to it');
    });

    function replayFrom(log, where) {
      try {
        wsroute.routeFromHAR(log, { url: chat, notFound: 'fallback' });
        say(`replaying the chat from ${where}: reconnect the chat panel`);
      } catch (e) {
        say(String(e));
      }
    }

    replay.addEventListener('click', () => har && replayFrom(har, 'the recording'));
    file.addEventListener('change', async () => {
      const f = file.files && file.files[0];
      if (f) replayFrom(await f.text(), f.name);
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
