// The registers page: listens to the kiosk's event stream and re-reads the day's sessions when
// a register or the timetable changes; the buttons call the JSON API. No polling. On the
// printable register it only wires the Print button (no inline script under the content
// security policy).
(() => {
  document.querySelectorAll('button[data-print]').forEach((b) => b.addEventListener('click', () => print()));
  const list = document.getElementById('sessions');
  if (!list) return;
  const flash = document.getElementById('flash');
  const live = document.getElementById('live');
  const date = list.dataset.date;
  let pending = null;

  function say(text, kind) {
    flash.textContent = text;
    flash.className = 'message ' + (kind || 'note');
    flash.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  }

  function signIn() {
    location.href = '/login?next=' + encodeURIComponent('/sessions?date=' + date);
  }

  function api(method, path, body) {
    return window.staffApi(method, path, body, say, signIn);
  }


  async function refresh() {
    let r;
    try {
      r = await fetch('/sessions/table?date=' + encodeURIComponent(date), { credentials: 'same-origin' });
    } catch (e) {
      return;
    }
    if (r.status === 401) { signIn(); return; }
    if (!r.ok) return;
    const html = await r.text();
    // A member number being typed survives the re-read, and so does where the cursor was.
    const typed = new Map();
    list.querySelectorAll('form.add').forEach((f) => {
      if (f.elements.member.value) typed.set(f.dataset.id, f.elements.member.value);
    });
    const active = document.activeElement;
    const focusedForm = active && active.name === 'member' ? active.closest('form.add') : null;
    list.innerHTML = html;
    list.querySelectorAll('form.add').forEach((f) => {
      if (typed.has(f.dataset.id)) f.elements.member.value = typed.get(f.dataset.id);
      if (focusedForm && f.dataset.id === focusedForm.dataset.id) f.elements.member.focus();
    });
  }

  function soon() {
    if (!pending) pending = setTimeout(() => { pending = null; refresh(); }, 60);
  }

  const events = new EventSource('/api/v1/events');
  events.addEventListener('ready', () => { live.textContent = 'Live'; soon(); });
  events.addEventListener('attendance_changed', (e) => {
    const d = JSON.parse(e.data);
    if (d.session.startsWith(date.replaceAll('-', ''))) soon();
  });
  ['timetable_changed', 'resync'].forEach((n) => events.addEventListener(n, soon));
  events.onerror = () => {
    live.textContent = 'Reconnecting…';
    if (events.readyState === EventSource.CLOSED) refresh();
  };

  const path = (id) => '/api/v1/sessions/' + encodeURIComponent(id) + '/attendance';

  async function change(method, id, query, body, done) {
    const r = await api(method, path(id) + query, body);
    if (r) {
      say(r.title + ': ' + done + ' ' + r.attendees + ' on the register now.', 'note');
      if (body && body.member) {
        const f = list.querySelector('form.add[data-id="' + CSS.escape(id) + '"]');
        if (f) f.elements.member.value = '';
      }
      soon();
    }
  }

  document.addEventListener('click', async (ev) => {
    const b = ev.target.closest('button[data-act]');
    if (!b || b.disabled) return;
    const section = b.closest('section[data-id]');
    if (!section) return;
    ev.preventDefault();
    b.disabled = true;
    try {
      const id = section.dataset.id;
      const act = b.dataset.act;
      if (act === 'add-anonymous') {
        await change('POST', id, '', {}, 'a student without a number added.');
      } else if (act === 'remove-anonymous') {
        await change('DELETE', id, '', undefined, 'a student without a number taken off.');
      } else if (act === 'remove-member') {
        const m = b.dataset.member;
        await change('DELETE', id, '?member=' + encodeURIComponent(m), undefined, m + ' taken off.');
      }
    } finally {
      b.disabled = false;
    }
  });

  document.addEventListener('submit', async (ev) => {
    const f = ev.target.closest('form.add');
    if (!f) return;
    ev.preventDefault();
    const member = f.elements.member.value.trim();
    if (!member) { say('Type the member number first, or add a student without a number.', 'error'); return; }
    await change('POST', f.dataset.id, '', { member }, member.toUpperCase() + ' added.');
  });
})();
