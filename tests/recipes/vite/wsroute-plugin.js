// A Vite plugin that puts wsroute in front of the app in the dev server only: it serves the
// classic script at /wsroute.global.js and injects <script src="/wsroute.global.js"> (then the
// route file, if any) first in <head>, before Vite's client and every app script.
// `vite build` never sees it (apply: 'serve'), so production bundles stay untouched.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export default function wsroute({
  // The classic script; the default is the installed npm package's.
  script = createRequire(import.meta.url).resolve('wsroute/global'),
  // Optional: a classic script (URL under the dev server's root) that registers routes.
  routes,
} = {}) {
  return {
    name: 'wsroute',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use('/wsroute.global.js', (_req, res) => {
        res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
        res.setHeader('Cache-Control', 'no-cache');
        res.end(readFileSync(script));
      });
    },
    transformIndexHtml: {
      // After Vite's own head-prepend tags, so ours end up first.
      order: 'post',
      handler() {
        const tags = [{ tag: 'script', attrs: { src: '/wsroute.global.js' }, injectTo: 'head-prepend' }];
        if (routes) tags.push({ tag: 'script', attrs: { src: routes }, injectTo: 'head-prepend' });
        return tags;
      },
    },
  };
}
