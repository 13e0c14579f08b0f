// The display page: the calls (newest first, large) and the help alert, kept live by the
// kiosk's event stream (`/display/events`, with the page's own token). A chime for each call and
// the help alarm where this screen's sound is on (`/sound.js`: one tap when the page opens).
(() => {
  const main = document.getElementById('display');
  const list = document.getElementById('calls');
  const none = document.getElementById('none');
  const alert = document.getElementById('help');
  const sound = window.hubSound;
  const token = new URLSearchParams(location.search).get('token') || '';
  const state = JSON.parse(main.dataset.state);
  let calls = state.calls;
  // Open help requests: id → escalated?
  const help = new Map(state.help.map((h) => [h.id, h.state === 'escalated']));

  function drawCalls() {
    list.replaceChildren(...calls.slice(0, 6).map((c) => {
      const li = document.createElement('li');
      [['ticket', c.ticket], ['place', c.place ? '→ ' + c.place : ''], ['other', c.other]]
        .filter(([, text]) => text)
        .forEach(([cls, text]) => {
          const span = document.createElement('span');
          span.className = cls;
          span.textContent = text;
          li.append(span);
        });
      return li;
    }));
    none.hidden = calls.length > 0;
  }

  function drawHelp() {
    const escalated = [...help.values()].some(Boolean);
    alert.hidden = help.size === 0;
    alert.classList.toggle('escalated', escalated);
    alert.textContent = escalated
      ? 'Someone at the kiosk is still waiting for a member of staff. Staff: please go now.'
      : 'Someone at the kiosk needs to talk to someone now. Staff: please go to them.';
    if (help.size) sound.startAlarm(escalated); else sound.stopAlarm();
  }

  const events = new EventSource('/display/events?token=' + encodeURIComponent(token));
  events.addEventListener('call', (e) => {
    const c = JSON.parse(e.data);
    calls = [c, ...calls.filter((x) => x.ticket !== c.ticket)];
    drawCalls();
    sound.chime();
  });
  events.addEventListener('help', (e) => {
    const h = JSON.parse(e.data);
    if (h.state === 'acknowledged') help.delete(h.id); else help.set(h.id, h.state === 'escalated');
    drawHelp();
  });
  // Missed events, or the kiosk restarted and the stream connected again: read the page again,
  // it carries the state.
  let connected = false;
  events.addEventListener('ready', () => { if (connected) location.reload(); connected = true; });
  events.addEventListener('resync', () => location.reload());

  sound.onChange(drawHelp);
  drawCalls();
  drawHelp();
})();
