// elementPlus.js — the Element Plus components the templates use, registered
// globally under their usual <el-…> names.  A plugin's install also registers
// its parts (ElForm → el-form-item, ElTable → el-table-column, ElSelect →
// el-option and el-option-group …).  tests/browser/components.test.mjs checks
// that every <el-…> tag in src/ is covered, because a missing one only shows
// as an empty spot in a production build.
// ElMessage and ElMessageBox are imported where they are called.
import {
  ElAlert,
  ElButton,
  ElCard,
  ElCheckbox,
  ElCol,
  ElConfigProvider,
  ElContainer,
  ElDatePicker,
  ElDescriptions,
  ElDialog,
  ElDrawer,
  ElDropdown,
  ElEmpty,
  ElForm,
  ElIcon,
  ElInput,
  ElInputNumber,
  ElMenu,
  ElRadio,
  ElResult,
  ElRow,
  ElSelect,
  ElSkeleton,
  ElTable,
  ElTabs,
  ElTag,
  ElTree,
} from 'element-plus'

export const ELEMENT_PLUS_PLUGINS = [
  ElAlert,
  ElButton,
  ElCard,
  ElCheckbox,
  ElCol,
  ElConfigProvider,
  ElContainer,
  ElDatePicker,
  ElDescriptions,
  ElDialog,
  ElDrawer,
  ElDropdown,
  ElEmpty,
  ElForm,
  ElIcon,
  ElInput,
  ElInputNumber,
  ElMenu,
  ElRadio,
  ElResult,
  ElRow,
  ElSelect,
  ElSkeleton,
  ElTable,
  ElTabs,
  ElTag,
  ElTree,
]

export const elementPlus = {
  install(app) {
    for (const plugin of ELEMENT_PLUS_PLUGINS) app.use(plugin)
  },
}
