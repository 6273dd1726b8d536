// Dispatch suggestions (智能派单) — 中文.  Spread into zh-CN.js; keys mirror suggest.en.js.
export default {
  suggest: {
    category: '建议分类：',
    hint: '点击采用；由您决定',
  },
}
