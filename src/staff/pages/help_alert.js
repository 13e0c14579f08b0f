// The help alert on every signed-in staff page but the queue (which shows it in its table): a
// visitor's "I need to talk to someone now" raises an alert at the top of the page, with the
// alarm where this page's sound is on (`/sound.js`) and the title flashing, until someone
// acknowledges it — here or on any other page. Open requests are read on connecting (and after
// missed events); the event stream keeps them live.
(() => {
  const box = document.getElementById('help-alerts');
  const sound = window.hubSound;
  const baseTitle = document.title;
  const shout = '‼ HELP NEEDED at the kiosk';
  const open = new Map();
  let flashing = null;

  const clock = (iso) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

  function alertFor(h) {
    const div = document.createElement('div');
    div.className = 'help-alert' + (h.escalated ? ' escalated' : '');
    div.setAttribute('role', 'alert');
    div.dataset.helpId = h.id;
    const p = document.createElement('p');
    const what = document.createElement('strong');
    what.textContent = 'Someone at the kiosk needs to talk to someone now.';
    const late = h.escalated ? ' Nobody has answered yet: please go now.' : '';
    p.append(what, ' Asked at ' + clock(h.raised) + '.' + late);
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'big';
    b.dataset.id = h.id;
    b.textContent = 'I’m going — acknowledge';
    div.append(p, b);
    return div;
  }

  function draw() {
    box.replaceChildren(...[...open.values()].map(alertFor));
    box.dataset.open = String(open.size);
    if (open.size) {
      sound.startAlarm([...open.values()].some((h) => h.escalated));
      if (!flashing) {
        let lit = true;
        document.title = shout;
        flashing = setInterval(() => { lit = !lit; document.title = lit ? shout : baseTitle; }, 700);
      }
    } else {
      sound.stopAlarm();
      clearInterval(flashing);
      flashing = null;
      document.title = baseTitle;
    }
  }

  async function load() {
    try {
      const r = await fetch('/api/v1/help-requests', { credentials: 'same-origin' });
      if (!r.ok) return;
      const d = await r.json();
      open.clear();
      d.open.forEach((h) => open.set(h.id, h));
      draw();
    } catch (e) { /* the next event reads them again */ }
  }

  box.addEventListener('click', async (ev) => {
    const b = ev.target.closest('button[data-id]');
    if (!b || b.disabled) return;
    b.disabled = true;
    try {
      const r = await fetch('/api/v1/help-requests/' + encodeURIComponent(b.dataset.id) + '/acknowledge', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      if (r.status === 401) location.href = '/login?next=' + encodeURIComponent(location.pathname);
    } catch (e) { /* the alert stays: press again */ }
    b.disabled = false;
    load();
  });

  const events = new EventSource('/api/v1/events');
  ['ready', 'resync'].forEach((n) => events.addEventListener(n, load));
  ['help_requested', 'help_escalated'].forEach((n) => events.addEventListener(n, (e) => {
    const h = JSON.parse(e.data).help;
    open.set(h.id, h);
    draw();
  }));
  events.addEventListener('help_acknowledged', (e) => {
    open.delete(JSON.parse(e.data).help.id);
    draw();
  });
  sound.onChange(draw);
})();
