// The recipe's Vite config. A real project writes `wsroute({ routes: '/dev-routes.js' })`
// (the script then comes from node_modules/wsroute); the test points at this repo's pkg/.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import wsroute from './wsroute-plugin.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..', '..');

export default {
  root: here,
  // Keep Vite's cache out of the source tree.
  cacheDir: path.join(repo, 'target', 'vite-recipe-cache'),
  clearScreen: false,
  plugins: [
    wsroute({
      script: path.join(repo, 'pkg', 'wsroute.global.js'),
      routes: '/dev-routes.js',
    }),
  ],
};
