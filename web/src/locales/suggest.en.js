// Dispatch suggestions — English.  Spread into en.js; keys mirror suggest.zh-CN.js.
export default {
  suggest: {
    category: 'Suggested category:',
    hint: 'click to use; you decide',
  },
}
