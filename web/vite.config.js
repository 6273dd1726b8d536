// Vite build of the gridgov SPA.  The C server serves web/dist at "/" and
// answers unknown non-/api paths with index.html (history-mode routing).
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// Third-party code grouped into long-cacheable chunks.  ECharts and Leaflet are
// only reached through dynamic import() from the pages that draw charts and
// maps, so their chunks are never part of the first page load.
const vendorGroups = [
  { name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router|vue-i18n|@intlify)[\\/]/, priority: 30 },
  {
    name: 'element-plus',
    test: /node_modules[\\/](element-plus|@element-plus|@floating-ui|@vueuse|@ctrl|@popperjs|lodash|lodash-es|lodash-unified|dayjs|async-validator|memoize-one|normalize-wheel-es)[\\/]/,
    priority: 20,
  },
  { name: 'echarts', test: /node_modules[\\/](echarts|zrender|tslib)[\\/]/, priority: 20 },
  { name: 'leaflet', test: /node_modules[\\/]leaflet[\\/]/, priority: 20 },
]

export default defineConfig({
  plugins: [vue()],
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
    // Element Plus alone is ~1 MB minified (~300 kB gzip); it is one cached chunk.
    chunkSizeWarningLimit: 1200,
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
