import { call, problemOf, UNREACHABLE } from './api.js';
import { refreshTimes } from './relative-time.js';
import { renderSessions } from './session-list.js';
import { followSessions } from './session-stream.js';
import { setUpSignIn } from './sign-in.js';

const byId = (id) => document.getElementById(id);
const list = byId('sessions');
const heading = byId('sessions-heading');
const actions = ['sign-out', 'sign-out-others', 'sign-out-everywhere'].map(byId);

/** Why the stream says this session ended, as the sign-in form then says it. */
const ENDED_BECAUSE = {
  session_revoked: 'This session was ended from another session.',
  logout_others: 'Another session signed out the other sessions.',
  logout_all: 'This account was signed out everywhere.',
  admin: 'An administrator ended this session.',
  idle_timeout: 'This session ended after a time without use.',
  expired: 'This session expired.',
  credentials_changed: 'The password was changed; the other sessions ended.',
};

let signedIn = false;
let stream;
let clock;
let reloadTimer;

const say = (text) => (byId('page-status').textContent = text);
const signIn = setUpSignIn(byId('sign-in-form'), async () => {
  if (await showSessions()) return;
  // The browser did not send the new cookie back: it keeps Secure cookies only on secure origins (localhost is one).
  signIn.showError(
    window.isSecureContext ? 'Signed in, but the sessions could not be read.' : byId('insecure-context').textContent,
  );
});

function showSignIn(message) {
  signedIn = false;
  stream?.stop();
  clearInterval(clock);
  clearTimeout(reloadTimer);
  list.replaceChildren();
  byId('signed-in').hidden = true;
  byId('sign-in').hidden = false;
  signIn.reset();
  say(message);
  byId('email').focus();
}

const SESSION_ENDED = 'Your session has ended. Sign in again.';

/** Reads the sessions; answers whether this one still lives (if not, the page is back at the sign-in form). */
async function loadSessions() {
  let answer;
  try {
    answer = await call('GET', '/auth/sessions');
  } catch {
    say(UNREACHABLE);
    return signedIn;
  }
  if (answer.status === 200) {
    renderSessions(list, answer.body.sessions, endSession);
    return true;
  }
  if (answer.status === 401 || answer.status === 403) {
    if (signedIn) showSignIn(answer.status === 401 ? SESSION_ENDED : `${problemOf(answer)} Sign in again.`);
    return false;
  }
  say(problemOf(answer));
  return signedIn;
}

/** After a sign-in, and on load: the list and its stream, or false when there is no live session. */
async function showSessions() {
  if (!(await loadSessions())) return false;
  signedIn = true;
  say('');
  byId('sign-in').hidden = true;
  byId('signed-in').hidden = false;
  heading.focus();
  clock = setInterval(() => refreshTimes(list), 30_000);
  follow();
  return true;
}

const follow = () =>
  (stream = followSessions({ onOtherEnded: reloadSoon, onThisEnded: endedElsewhere, check: loadSessions }));

// Ending many sessions at once sends one event each: one read of the list for all of them.
function reloadSoon() {
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(loadSessions, 200);
}

async function endedElsewhere({ reason }) {
  if (!signedIn) return;
  signedIn = false;
  // The HttpOnly cookies are dead but still in the jar, out of reach of script: the module's logout answers 401 and
  // makes the browser forget them.
  await call('POST', '/auth/logout').catch(() => undefined);
  showSignIn(`${ENDED_BECAUSE[reason] ?? 'This session has ended.'} Sign in again.`);
}

/** Runs an action with its buttons disabled; a failure to reach the demo is said in the status line. */
async function busy(buttons, action) {
  for (const button of buttons) button.disabled = true;
  try {
    await action();
  } catch {
    say(UNREACHABLE);
  } finally {
    for (const button of buttons) button.disabled = false;
  }
}

const END_ANSWERS = { 200: 'Session ended.', 404: 'That session had already ended.' };

async function endSession(session, button) {
  await busy([button], async () => {
    const answer = await call('DELETE', `/auth/sessions/${encodeURIComponent(session.id)}`);
    if (answer.status === 401) return showSignIn(SESSION_ENDED);
    say(END_ANSWERS[answer.status] ?? problemOf(answer));
    await loadSessions();
    // The button is gone with its item: keep the keyboard in the list.
    heading.focus();
  });
}

/** Sign out of this session (`path` ends it too): the cookies go, and the page returns to the sign-in form. */
async function signOut(path, message) {
  await busy(actions, async () => {
    // Its own end would come on the stream too: the answer says it first.
    stream?.stop();
    try {
      const answer = await call('POST', path);
      if (answer.status === 200) return showSignIn(message(answer.body));
      if (answer.status === 401) return showSignIn(SESSION_ENDED);
      say(problemOf(answer));
    } finally {
      // Still signed in (refused, or the demo did not answer): listen again.
      if (signedIn) follow();
    }
  });
}

byId('sign-out').addEventListener('click', () => signOut('/auth/logout', () => 'You signed out.'));
byId('sign-out-everywhere').addEventListener('click', () =>
  signOut('/auth/logout/all', ({ revokedSessions }) => `You signed out everywhere (${plural(revokedSessions)}).`),
);
byId('sign-out-others').addEventListener('click', () =>
  busy(actions, async () => {
    const answer = await call('POST', '/auth/logout/others');
    if (answer.status === 401) return showSignIn(SESSION_ENDED);
    say(answer.status === 200 ? `Signed out ${plural(answer.body.revokedSessions)} elsewhere.` : problemOf(answer));
    await loadSessions();
  }),
);

// Sessions begun elsewhere have no event: the list is read again whenever the tab comes back into view.
document.addEventListener('visibilitychange', () => {
  if (!document.hidden && signedIn) reloadSoon();
});

const plural = (count) => `${count} session${count === 1 ? '' : 's'}`;

if (!window.isSecureContext) byId('insecure-context').hidden = false;
if (!(await showSessions())) showSignIn('');
