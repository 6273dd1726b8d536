// 消息通知与顶栏铃铛（NotificationBell.vue、NotificationsView.vue）。
export default {
  notifications: {
    title: '消息通知',
    bell: '消息通知，{n} 条未读',
    unreadOnly: '只看未读',
    readAll: '全部已读',
    empty: '暂无消息',
    kinds: {
      new_task: '新任务：案件 {number}',
      supervised: '案件 {number} 被督办',
      near_due: '案件 {number} 即将超期',
      overdue: '案件 {number} 已超期',
      extension_expired: '案件 {number} 的延期申请超时未批复，已失效',
      overdue_reminder: '案件 {number} 超期仍未办结，请尽快处置',
      escalated: '案件 {number} 已上报至本级，请处置',
      returned: '案件 {number} 被退回',
      rated: '案件 {number} 收到不满意评价',
    },
  },
}
