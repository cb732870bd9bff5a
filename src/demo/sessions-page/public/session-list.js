import { timeElement } from './relative-time.js';

const joined = (...parts) => parts.filter(Boolean).join(' ');

/** What the user agent says, through ua-parser-js's browser build (loaded before this module, as `UAParser`). */
function parseUserAgent(userAgent) {
  const result = userAgent && globalThis.UAParser ? new globalThis.UAParser(userAgent).getResult() : null;
  return {
    browser: joined(result?.browser.name, result?.browser.major),
    browserName: result?.browser.name,
    os: joined(result?.os.name, result?.os.version),
    osName: result?.os.name,
    device: joined(result?.device.vendor, result?.device.model),
  };
}

/** The item's heading: the device name given at sign-in, else the browser and system of the user agent. */
function titleOf(session, agent) {
  if (session.deviceName) return session.deviceName;
  if (agent.browserName) return `${agent.browserName} on ${agent.osName ?? 'an unknown system'}`;
  return 'Unknown device';
}

function element(tag, properties = {}, ...children) {
  const created = Object.assign(document.createElement(tag), properties);
  created.append(...children);
  return created;
}

// Everything here comes from what a client sent at sign-in (device name, user agent): it is set as text, never as HTML.
function sessionItem(session, onEnd) {
  const agent = parseUserAgent(session.userAgent);
  const headingId = `session-${session.id}`;
  const head = element('div', { className: 'session-head' }, element('h3', { id: headingId }, titleOf(session, agent)));
  if (session.current) head.append(element('span', { className: 'badge' }, 'This device'));

  const details = element('dl');
  const row = (term, ...value) => details.append(element('dt', {}, term), element('dd', {}, ...value));
  row('Browser', agent.browser || 'Unknown');
  row('Operating system', agent.os || 'Unknown');
  if (agent.device) row('Device', agent.device);
  row('IP address', session.ip ?? 'Unknown');
  row('Signed in', timeElement(session.createdAt));
  row('Last active', timeElement(session.lastUsedAt));

  const item = element('li', { className: 'session' }, head, details);
  item.dataset.sessionId = session.id;
  if (!session.current) {
    const end = element('button', { type: 'button' }, 'End session');
    // The name stays "End session"; the description says which one.
    end.setAttribute('aria-describedby', headingId);
    end.addEventListener('click', () => onEnd(session, end));
    item.append(end);
  }
  return item;
}

/**
 * Replaces the list's items: this device first, then the others as the module ordered them. A focused "End session"
 * button keeps the focus when its session is still listed.
 */
export function renderSessions(list, sessions, onEnd) {
  const focused = document.activeElement?.closest?.('li.session')?.dataset.sessionId;
  const ordered = [...sessions.filter((each) => each.current), ...sessions.filter((each) => !each.current)];
  list.replaceChildren(...ordered.map((session) => sessionItem(session, onEnd)));
  if (focused) list.querySelector(`li[data-session-id="${CSS.escape(focused)}"] button`)?.focus();
}
