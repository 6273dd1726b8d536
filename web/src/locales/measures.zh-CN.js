// 考核指标 — 简体中文。展开到 zh-CN.js；键与 measures.en.js 一一对应。
export default {
  measures: {
    nav: '考核指标',
    title: '考核指标',
    month: '本月',
    quarter: '本季度',
    custom: '自定义',
    period: '统计期 {from} 至 {to}',
    previous: '上期 {from} 至 {to}',
    name: '指标',
    value: '本期',
    fraction: '分子 / 分母',
    formula: '计算公式',
    previousCol: '上期',
    now: '当前值',
    hours: '工作小时',
    mediation: '矛盾纠纷调解',
    unit: '单位',
    children: '下级单位',
    reported: '上报数',
    closed: '结案数',
  },
}
