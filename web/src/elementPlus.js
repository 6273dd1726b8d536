// elementPlus.js — the Element Plus services called from script code, with
// their CSS.  Components in templates (<el-…>, v-loading) need nothing here:
// unplugin-vue-components (vite.config.js) imports each one and its style in
// the file that uses it, so a page downloads only the components it shows.
// ElMessage and ElMessageBox are plain function calls the plugin cannot see,
// so their styles are imported here, and the app imports them from this file,
// never from 'element-plus' directly (tests/browser/web-source.test.mjs).
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'

export { ElMessage, ElMessageBox } from 'element-plus'
