// The sign-in page: the link's secret is in the URL fragment (never sent to a server, so link previews
// cannot use it up); pressing the button posts it once and the server sets the session cookie.
export {};

const secret = location.hash.slice(1);
const msg = document.getElementById('msg');
const btn = document.getElementById('signin') as HTMLButtonElement | null;
// Off the address bar and the history at once.
history.replaceState(null, '', '/login');
if (secret && msg && btn) {
  btn.hidden = false;
  msg.textContent = 'This link signs you in once. Press the button to continue.';
  btn.addEventListener('click', () => {
    btn.disabled = true;
    void (async () => {
      const res = await fetch('/api/v1/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ link: secret }),
        credentials: 'same-origin',
      });
      const body = (await res.json().catch(() => ({}))) as { message?: string };
      if (res.ok) {
        location.replace('/#overview');
        return;
      }
      btn.hidden = true;
      msg.textContent = body.message ?? 'Sign-in failed.';
    })();
  });
}
