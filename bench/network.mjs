// Network conditions: how close the latency and throughput a page measures
// come to what it asked wsroute for (pages/wsroute-routes.js, benchNetwork),
// per wsroute system and browser. The other tables run with no conditions
// set; this one is about accuracy, not speed.

/** What is asked: latency (ms), throughput (B/s), and the data moved. */
export const ASKED = { latency: 50, throughput: 1_000_000, frames: 16, size: 65536, roundTrips: 10 };

/** The systems measured: a mock, a pass-through socket and a connected route. */
export const NETWORK_SYSTEMS = ['wsroute-mock', 'wsroute-pass', 'wsroute-cts'];

/** The "workload" handed to the runners: the page entry point and its arguments. */
export const NETWORK_WORKLOAD = { id: 'network', label: 'network conditions', entry: 'benchNetwork', args: ASKED };

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Runs `NETWORK_WORKLOAD` `runs` times on each of `systems` with `runOne`;
 * returns rows for `networkTable`.
 */
export async function measureNetwork(systems, runOne, runs, log, tag = '') {
  const rows = [];
  for (const system of systems.filter((s) => NETWORK_SYSTEMS.includes(s.id))) {
    const results = [];
    for (let i = 0; i < runs; i++) results.push(await runOne(system, NETWORK_WORKLOAD));
    const ok = results.filter((r) => r.ok);
    const row = { system, ok: ok.length, n: results.length, error: results.find((r) => !r.ok)?.error || '' };
    if (ok.length) {
      row.roundTrip = median(ok.flatMap((r) => r.delay.rtts));
      row.open = median(ok.map((r) => r.delay.openMs));
      row.upload = median(ok.map((r) => r.upload.bytes / (r.upload.ms / 1000)));
      row.download = median(ok.map((r) => r.download.bytes / (r.download.ms / 1000)));
    }
    log(`${tag}network ${system.id}: ` + (ok.length
      ? `round trip ${row.roundTrip.toFixed(1)} ms, open ${row.open.toFixed(1)} ms, up ${Math.round(row.upload)} B/s, down ${Math.round(row.download)} B/s`
      : `FAILED: ${row.error}`));
    rows.push(row);
  }
  return rows;
}

/** The markdown table of `rows` (from `measureNetwork`), pushed onto `L`. */
export function networkTable(L, heading, rows) {
  if (!rows.length) return;
  const { latency, throughput, frames, size, roundTrips } = ASKED;
  L.push(`## ${heading}Network conditions: asked and measured`);
  L.push('');
  if (heading) L.push('Asked and measured as in the Chromium table above.');
  else L.push(`Asked: latency ${latency} ms (a round trip of a 64 B frame should take ${2 * latency} ms; median of ${roundTrips} per run), ` +
    `then ${frames} x ${size / 1024} KB binary frames echoed with only the upload, then only the download limited to ${throughput.toLocaleString('en-US')} B/s ` +
    '(rate = bytes over the time from the first send to the last echo). Ratios are measured over asked: wsroute promises times ' +
    'no shorter than asked (a ratio of at least 1) and so rates no higher (at most 1); the distance from 1 is what the page, the ' +
    'timers and the echo add.');
  L.push('');
  L.push('| system | round trip (ratio to 2 x latency) | open (ratio to latency) | upload B/s (ratio) | download B/s (ratio) | runs ok |');
  L.push('|---|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    if (!r.ok) {
      L.push(`| ${r.system.label} | n/a: ${r.error} | | | | 0/${r.n} |`);
      continue;
    }
    const ratio = (v, of) => `${(v / of).toFixed(3)}x`;
    L.push(`| ${r.system.label} | ${r.roundTrip.toFixed(1)} ms (${ratio(r.roundTrip, 2 * latency)}) | ${r.open.toFixed(1)} ms (${ratio(r.open, latency)}) | ` +
      `${Math.round(r.upload).toLocaleString('en-US')} (${ratio(r.upload, throughput)}) | ${Math.round(r.download).toLocaleString('en-US')} (${ratio(r.download, throughput)}) | ${r.ok}/${r.n} |`);
  }
  L.push('');
}
