const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

const UNITS = [
  ['year', 365 * 86_400],
  ['month', 30 * 86_400],
  ['week', 7 * 86_400],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
];

/** "just now", "5 minutes ago", "yesterday": the largest whole unit, truncated so that 59 minutes is not "1 hour". */
export function relativeTime(date, now = Date.now()) {
  const seconds = (date.getTime() - now) / 1000;
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return format.format(Math.trunc(seconds / size), unit);
  }
  return 'just now';
}

/** A `<time>` that shows how long ago, with the full date as its tooltip; `refreshTimes` keeps it current. */
export function timeElement(iso) {
  const date = new Date(iso);
  const element = document.createElement('time');
  element.dateTime = iso;
  element.title = date.toLocaleString();
  element.textContent = relativeTime(date);
  return element;
}

export function refreshTimes(root) {
  for (const element of root.querySelectorAll('time')) element.textContent = relativeTime(new Date(element.dateTime));
}
