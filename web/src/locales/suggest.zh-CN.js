// Dispatch suggestions (智能派单) — 中文.  Spread into zh-CN.js; keys mirror suggest.en.js.
export default {
  suggest: {
    admin: {
      title: '智能派单模型',
      lead: '按区县用已办结事件训练，建议分类与处置单位；命中率在训练时留出的十分之一事件上测得。',
      county: '区县',
      trainedAt: '训练时间',
      never: '尚未训练',
      cases: '训练 / 留出',
      split: '{train} / {test} 件',
      categoryHit: '分类命中率 首选 / 前三',
      unitHit: '单位命中率 首选 / 前三',
      trainMs: '训练耗时',
      retrain: '重新训练',
      training: '训练中…',
      retrained: '{county}的模型已重新训练',
      formula: '命中率 = 留出事件中建议（首选或前三）与实际办理一致的件数 ÷ 留出事件数。派单始终由调度员决定。',
    },
    nav: '智能派单',
    category: '建议分类：',
    unit: '建议单位：',
    hint: '点击采用；由您决定',
  },
}
