// Vite build of the gridgov SPA.  The C server serves web/dist at "/" and
// answers unknown non-/api paths with index.html (history-mode routing).
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import { readFileSync, readdirSync } from 'node:fs'

// The service worker (src/offline/sw.js, plain JS, no workbox): written to dist/sw.js with the list of every
// built file and public/ file in front (PRECACHE), so the app shell opens offline and each build is a new
// worker.  Source maps and the chart library (no chart on the phone) are not precached.
function serviceWorker() {
  return {
    name: 'gg-service-worker',
    apply: 'build',
    generateBundle(_, bundle) {
      const built = Object.keys(bundle).filter((f) => !f.endsWith('.map') && !/(^|\/)echarts/.test(f) && f !== 'index.html')
      const pub = readdirSync(new URL('./public', import.meta.url), { recursive: true }).filter((f) => /\.[a-z0-9]+$/i.test(f) && !f.startsWith('.'))
      const files = [...pub, ...built].map((f) => '/' + f).sort()
      const src = readFileSync(new URL('./src/offline/sw.js', import.meta.url), 'utf8')
      this.emitFile({ type: 'asset', fileName: 'sw.js', source: `const PRECACHE = ${JSON.stringify(files)}\n${src}` })
    },
  }
}

// Third-party code grouped into long-cacheable chunks.  ECharts and Leaflet are
// only reached through dynamic import() from the pages that draw charts and
// maps, so their chunks are never part of the first page load.  Element Plus
// has no group on purpose: a group takes every module it matches into one
// chunk, so the login page would download the table, tree and date picker the
// other pages use.  Left to the bundler, each component's code and CSS travel
// with the pages that use it (tests/browser/weight.test.mjs holds the first
// page under 300 kB compressed).
const vendorGroups = [
  { name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router|vue-i18n|@intlify)[\\/]/, priority: 30 },
  { name: 'echarts', test: /node_modules[\\/](echarts|zrender|tslib)[\\/]/, priority: 20 },
  { name: 'leaflet', test: /node_modules[\\/]leaflet[\\/]/, priority: 20 },
]

export default defineConfig({
  plugins: [
    vue(),
    serviceWorker(),
    // <el-…> tags and v-loading are imported per file, with their own CSS
    // (element-plus/es/components/*/style/css), instead of registering the
    // library and its 360 kB stylesheet globally.  No components.d.ts: the
    // project has no TypeScript.
    Components({ resolvers: [ElementPlusResolver({ importStyle: 'css', directives: true })], dts: false }),
  ],
  // Absolute "/" base, not "./": with history routing index.html is also served
  // for deep paths such as /cases/42, where "./assets/…" would resolve to
  // /cases/assets/… and 404.
  base: '/',
  define: {
    // vue-i18n: Composition API only, no devtools hooks in production.  Its
    // messages are compiled to an AST at run time without eval, so the
    // server's CSP (script-src 'self') holds.
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The lazy ECharts chunk is the largest (~530 kB minified).
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      output: {
        codeSplitting: { groups: vendorGroups },
      },
    },
  },
  server: {
    // `npm run dev` against a locally running gridgov (make demo).
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/healthz': 'http://127.0.0.1:8080',
      '/readyz': 'http://127.0.0.1:8080',
    },
  },
})
