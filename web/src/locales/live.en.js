// The notification centre and the header's bell (NotificationBell.vue, NotificationsView.vue).
export default {
  notifications: {
    title: 'Notifications',
    bell: 'Notifications, {n} unread',
    unreadOnly: 'Unread only',
    readAll: 'Mark all read',
    empty: 'No notifications',
    kinds: {
      new_task: 'New task: case {number}',
      supervised: 'Case {number} is being supervised',
      near_due: 'Case {number} is nearly due',
      overdue: 'Case {number} is overdue',
      extension_expired: 'Extension request for case {number} lapsed unanswered',
      overdue_reminder: 'Case {number} is still overdue: please act on it',
      escalated: 'Case {number} was escalated to your level',
      returned: 'Case {number} was returned',
      rated: 'Case {number} was rated unsatisfied',
    },
  },
}
