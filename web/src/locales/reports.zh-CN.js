// Reports (报告, views/ReportsView.vue) and the table export button (components/reports/ExportButton.vue).
export default {
  reports: {
    nav: '报告',
    title: '月度报告',
    exportXlsx: '导出 Excel',
    unit: '单位',
    period: '月份',
    origin: '来源',
    status: '状态',
    generatedAt: '生成时间',
    files: '下载',
    generateThisMonth: '生成本月报告',
    generateMonth: '生成该月报告',
    requested: '已开始生成，请稍候',
    working: '正在生成…',
    failed: '生成失败，请重试',
    empty: '还没有报告',
    hint: '每月 1 日自动生成上月各区县、街道的月报；也可随时生成本月（截至目前）或以往月份的报告。',
    origins: { schedule: '每月自动', request: '手动生成' },
    statuses: { pending: '待生成', running: '生成中', done: '已完成', failed: '失败' },
  },
}
