// main.js — boots the SPA: Element Plus components, i18n, router.
//
// Only the Element Plus components the templates use are registered (see
// elementPlus.js), not the whole library: the first page load of a grid
// worker's phone parses about half the JavaScript that way.
import { createApp } from 'vue'
import 'element-plus/dist/index.css'
import './styles/main.css'
import App from './App.vue'
import { i18n } from './i18n.js'
import { router } from './router.js'
import { elementPlus } from './elementPlus.js'

createApp(App).use(elementPlus).use(i18n).use(router).mount('#app')
