'use client'

import { useEffect, useState } from 'react'
import useSWR from 'swr'

async function fetchUnreadCount(userId: string): Promise<number> {
  const response = await fetch(`/api/notifications?userId=${userId}`)
  const notifications = (await response.json()) as unknown[]
  return notifications.length
}

// Planted: every open tab asks the server every two seconds, hidden or not.
export function NotificationBell({ userId }: { userId: string }) {
  const [count, setCount] = useState(0)
  useEffect(() => {
    const timer = setInterval(async () => { // expect: client-polling
      setCount(await fetchUnreadCount(userId))
    }, 2000)
    return () => clearInterval(timer)
  }, [userId])
  return <span aria-label="unread notifications">{count}</span>
}

// Clean twin: SWR refreshes every 30 seconds and pauses in hidden tabs.
export function NotificationBadge({ userId }: { userId: string }) {
  const { data } = useSWR(['unread', userId], () => fetchUnreadCount(userId), { refreshInterval: 30_000 })
  return <span aria-label="unread notifications">{data ?? 0}</span>
}
