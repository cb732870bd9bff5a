import { problemOf, signIn, UNREACHABLE } from './api.js';

/**
 * The sign-in form: the demo's `POST /auth/login`, which sets the cookies. A refusal is shown under the fields (an
 * alert, so a screen reader says it) and the fields are marked invalid; `onSignedIn` runs after a success.
 */
export function setUpSignIn(form, onSignedIn) {
  const email = form.elements.namedItem('email');
  const password = form.elements.namedItem('password');
  const error = form.querySelector('.error');
  const button = form.querySelector('button');

  const showError = (text) => {
    error.textContent = text;
    for (const field of [email, password]) {
      field.setAttribute('aria-invalid', String(Boolean(text)));
      if (text) field.setAttribute('aria-describedby', error.id);
      else field.removeAttribute('aria-describedby');
    }
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showError('');
    button.disabled = true;
    try {
      const answer = await signIn(email.value, password.value);
      if (answer.status !== 200) {
        showError(problemOf(answer));
        password.select();
        return;
      }
      form.reset();
      await onSignedIn();
    } catch {
      showError(UNREACHABLE);
    } finally {
      button.disabled = false;
    }
  });

  return { showError, reset: () => (form.reset(), showError('')) };
}
