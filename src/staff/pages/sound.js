// Sound for the staff pages and the display page. Browsers play sound only after a tap on the
// page, so a page with sound on asks for one tap when it opens ("Tap to let this page play
// sound"); the choice (on or off) is remembered on the device. Two sounds: a soft chime (someone
// joined, a ticket called) and the help alarm, repeated while a help request is open, louder
// and faster once it escalates. `document.body.dataset.soundPlays` counts the sounds played, so
// a test can see it. No sound is made where it is off.
(() => {
  const KEY = 'hub-sound';
  let on = localStorage.getItem(KEY) !== 'off';
  let audio = null;
  let alarm = null;
  let listeners = [];

  function count() {
    document.body.dataset.soundPlays = String(Number(document.body.dataset.soundPlays || 0) + 1);
  }

  // The page may play sound: sound is on and the browser let the page start its audio.
  function ready() {
    return on && audio !== null && audio.state === 'running';
  }

  function tones(list, loud) {
    if (!ready()) return false;
    list.forEach(([f, start, length]) => {
      const o = audio.createOscillator();
      const g = audio.createGain();
      const at = audio.currentTime + start;
      o.frequency.value = f;
      g.gain.setValueAtTime(0.0001, at);
      g.gain.exponentialRampToValueAtTime(loud, at + 0.02);
      g.gain.exponentialRampToValueAtTime(0.0001, at + length);
      o.connect(g).connect(audio.destination);
      o.start(at);
      o.stop(at + length + 0.05);
    });
    count();
    return true;
  }

  function chime() {
    return tones([[660, 0, 0.5], [880, 0.25, 0.5]], 0.25);
  }

  function ring(escalated) {
    return escalated
      ? tones([[988, 0, 0.25], [740, 0.3, 0.25], [988, 0.6, 0.25], [740, 0.9, 0.25]], 0.8)
      : tones([[880, 0, 0.35], [660, 0.4, 0.35]], 0.45);
  }

  // The help alarm: now, then every few seconds until stopped (every second once escalated).
  function startAlarm(escalated) {
    const every = escalated ? 1500 : 4000;
    if (alarm && alarm.escalated === escalated) return;
    stopAlarm();
    ring(escalated);
    alarm = { escalated, timer: setInterval(() => ring(escalated), every) };
  }

  function stopAlarm() {
    if (alarm) clearInterval(alarm.timer);
    alarm = null;
  }

  const prompt = document.createElement('button');
  prompt.type = 'button';
  prompt.id = 'sound-prompt';
  prompt.className = 'sound-prompt';
  prompt.textContent = 'Tap here to let this page play sound (help alerts and calls)';

  // The first tap anywhere starts the page's audio; the prompt goes once it is running.
  function unlock() {
    if (!on) return;
    try {
      audio = audio || new AudioContext();
      const started = audio.state === 'running' ? Promise.resolve() : audio.resume();
      started.then(() => {
        prompt.remove();
        listeners.forEach((f) => f());
      }, () => {});
    } catch (e) { /* no sound on this device */ }
  }

  function set(value) {
    on = value;
    localStorage.setItem(KEY, on ? 'on' : 'off');
    if (on) unlock(); else { stopAlarm(); prompt.remove(); }
    listeners.forEach((f) => f());
  }

  document.addEventListener('pointerdown', unlock, true);
  document.addEventListener('keydown', unlock, true);
  // A browser started to allow sound without a tap (a display's kiosk-mode browser) runs the
  // audio at once and needs no prompt.
  document.addEventListener('DOMContentLoaded', () => {
    document.body.dataset.soundPlays = document.body.dataset.soundPlays || '0';
    if (!on) return;
    try { audio = new AudioContext(); } catch (e) { /* no sound on this device */ }
    if (audio && audio.state === 'running') listeners.forEach((f) => f());
    else document.body.prepend(prompt);
  });

  window.hubSound = {
    isOn: () => on,
    ready,
    set,
    chime,
    startAlarm,
    stopAlarm,
    // Called when sound starts or is turned on or off.
    onChange: (f) => listeners.push(f),
  };
})();
