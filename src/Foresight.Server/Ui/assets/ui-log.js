// Follows a job's log: the server sends each new piece of output as a JSON string ("log" events, the byte offset as
// the event id so that a reconnect resumes there) and "end" when the attempt is over; ansi_up (vendored from npm)
// turns ANSI colours into spans and escapes the rest.
import { AnsiUp } from "./ansi_up.js";

const log = document.getElementById("log");
const state = document.getElementById("log-state");
const ansi = new AnsiUp();
const source = new EventSource(log.dataset.src);
source.addEventListener("log", (event) => {
  const follow = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
  log.insertAdjacentHTML("beforeend", ansi.ansi_to_html(JSON.parse(event.data)));
  if (follow) {
    log.scrollTop = log.scrollHeight;
  }
});
source.addEventListener("end", (event) => {
  source.close();
  state.textContent = `ended (${event.data})`;
  log.dataset.ended = "true";
});
