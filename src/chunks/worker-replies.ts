/**
 * Routes a worker's replies to `onReply`, and its failures (its script did
 * not load or threw, a reply could not be read) to `onFailed`, named after
 * `what` (e.g. "piece reader").
 */
export function listenToWorker<Reply>(
  worker: Worker,
  what: string,
  onReply: (reply: Reply) => void,
  onFailed: (why: string) => void,
): void {
  worker.onmessage = (event: MessageEvent<Reply>) => onReply(event.data);
  worker.onerror = (event) => {
    event.preventDefault();
    onFailed(`${what} failed: ${event.message}`);
  };
  worker.onmessageerror = () => onFailed(`unreadable message from the ${what}`);
}
