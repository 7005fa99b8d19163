// The network control: wsroute's network conditions for every socket of the
// page (mocked, routed or passed through). Browsers' own throttling and
// offline mode leave WebSockets alone; these do not. The line under the
// controls shows the call each change makes.
(function () {
  'use strict';

  const $ = (id) => document.getElementById(id);

  function start() {
    const offline = $('net-offline');
    const latency = $('net-latency');
    const throughput = $('net-throughput');
    const applied = $('net-applied');
    if (!globalThis.wsroute || !offline) return;

    function apply() {
      const conditions = {};
      if (offline.checked) conditions.offline = true;
      if (Number(latency.value) > 0) conditions.latency = Number(latency.value);
      if (Number(throughput.value) > 0) {
        conditions.downloadThroughput = Number(throughput.value);
        conditions.uploadThroughput = Number(throughput.value);
      }
      const set = Object.keys(conditions).length ? conditions : null;
      try {
        wsroute.setNetworkConditions(set);
        applied.textContent = `wsroute.setNetworkConditions(${set ? JSON.stringify(set).replace(/"(\w+)":/g, '$1: ').replace(/,/g, ', ') : 'null'})`;
        applied.classList.remove('error');
      } catch (e) {
        applied.textContent = String(e);
        applied.classList.add('error');
      }
      document.body.classList.toggle('offline', offline.checked);
    }

    for (const control of [offline, latency, throughput]) control.addEventListener('change', apply);
    apply();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
