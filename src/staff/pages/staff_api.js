// One way for the staff pages' scripts to call the kiosk's JSON API: the session cookie, JSON
// in and out, "sign in again" on 401, and the problem's words (its `detail`) on a refusal. The
// page passes `say(text, kind)` to show a message and `signIn()` to go to the sign-in page.
window.staffApi = async function staffApi(method, path, body, say, signIn) {
  let r;
  try {
    r = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    say('The kiosk cannot be reached: check the network and try again.', 'error');
    return null;
  }
  if (r.status === 401) { signIn(); return null; }
  let data = null;
  try { data = await r.json(); } catch (e) { /* not JSON */ }
  if (!r.ok) {
    say((data && (data.detail || data.error)) || ('The kiosk refused this (' + r.status + ').'), 'error');
    return null;
  }
  return data;
};
