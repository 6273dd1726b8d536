// main.js — boots the SPA: i18n, router, and Element Plus's base styles.
//
// Element Plus components are not registered here: each file imports the ones
// it uses (unplugin-vue-components, vite.config.js), so the login page loads a
// form, an input and a button, not the whole library.  Element Plus's base
// stylesheet (its CSS variables) comes before main.css, which overrides some
// of them (the primary colour); importing it here keeps that order for every
// component stylesheet a lazy page brings later.
import { createApp } from 'vue'
import 'element-plus/theme-chalk/base.css'
import './styles/main.css'
import App from './App.vue'
import { i18n } from './i18n.js'
import { router } from './router.js'

createApp(App).use(i18n).use(router).mount('#app')

// The service worker (src/offline/sw.js, built to /sw.js) keeps the app shell for opening offline; only in a
// build (the dev server has no sw.js) and only where the browser allows it (HTTPS or localhost).
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => navigator.serviceWorker.register('/sw.js').catch(() => {}))
}
