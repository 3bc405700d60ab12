import { ShoalError, type CandidateType, type ShoalErrorCode } from '../app-model.ts';
import { roughDuration } from './format.ts';

/**
 * Every user-visible string in the UI. A translation supplies an object of
 * the same shape (`Messages`); components read strings only from `msg`.
 */
export const en = {
  /** BCP 47 tag: <html lang>, dates and numbers. */
  lang: 'en',
  /** This language's own name, for the language switch. */
  languageName: 'English',
  languageSwitchLabel: 'Language',
  pageTitle: 'Shoal — share files peer to peer',
  appName: 'Shoal',
  tagline: 'Share files peer to peer, straight from your browser.',
  privacyNote:
    'Files travel directly between browsers. The signaling server only introduces peers and never sees your files. Private shares are encrypted in your browser; the key is only in the link.',
  homeLink: 'Share your own files',

  dropTitle: 'Share files',
  dropHint: 'Drag files or a folder here, paste them (Ctrl+V), or',
  chooseFiles: 'Choose files',
  chooseFolder: 'Choose a folder',
  dropZoneLabel: 'Drop files or folders to share, or press Enter to choose files',
  dropEmpty: 'That drop contained no files.',
  dropReadFailed: (detail: string) => `Some dropped files could not be read: ${detail}`,
  hashingTitle: 'Preparing your share…',
  hashingHint:
    'Hashing every piece so downloaders can check what they receive (and, for a private share, encrypting it first, here in your browser).',

  optionsLegend: 'Share options',
  optionPublic: 'Public share',
  optionPublicHint: 'Not encrypted: anyone who gets the link, or the share id in it, can read the files.',
  optionPrivateHint: 'Private (the default): files are encrypted in your browser. The key is in the link after #, which is never sent to a server.',
  optionPassword: 'Password (optional)',
  optionPasswordHint: 'The link then opens only with this password. Send it separately from the link.',
  optionKeep: 'Keep in my library',
  optionKeepHint: 'Lets this browser seed it again after a restart. For a private share this stores its key in this browser.',
  hashingProgressLabel: 'Hashing progress',
  cancel: 'Cancel',

  bytesOf: (done: string, total: string) => `${done} of ${total}`,
  fileCount: (count: number) => (count === 1 ? '1 file' : `${count} files`),
  showAllFiles: (count: number) => `Show all ${count} files`,
  filesHeading: 'Files',
  fileProgressLabel: (path: string) => `${path} downloaded`,

  shareHeadingFallback: 'Your share',
  shareLinkLabel: 'Share link',
  copyLink: 'Copy link',
  copied: 'Copied',
  copyFallback: 'Link selected — press Ctrl+C (⌘C on a Mac) to copy it.',
  visibilityPublic: 'Public: anyone with the link can read these files.',
  visibilityPrivate: 'Private: end-to-end encrypted. The key is part of the link (after #); the signaling server never sees it.',
  visibilityPassword:
    'Private and password-protected: the link opens only with the password. Send the password separately from the link.',
  visibilityRelay: 'Relaying encrypted pieces: this browser cannot read them.',
  shareVia: 'Share…',
  shareViaFailed: (detail: string) => `Could not open the share sheet: ${detail}`,
  qrLabel: 'QR code of the share link',
  qrHint: 'Scan with a phone camera to open the link there.',
  keepOpen:
    'Keep this page open: your browser is the source. Anyone with the link downloads straight from you and from each other.',
  statPeers: 'Peers',
  statUploaded: 'Uploaded',
  statUploadRate: 'Upload',
  statDownloadRate: 'Download',
  statProgress: 'Progress',
  statTimeLeft: 'Time left',

  etaFewSeconds: 'a few seconds',
  etaAbout: (duration: string) => `about ${duration}`,
  durationSeconds: (seconds: number) => `${seconds} s`,
  durationMinutes: (minutes: number) => `${minutes} min`,
  durationHours: (hours: number, minutes: number) => (minutes === 0 ? `${hours} h` : `${hours} h ${minutes} min`),

  pieceMapHeading: 'Pieces',
  pieceMapLabel: (had: number, total: number, downloading: number) =>
    `${had} of ${total} pieces, ${downloading} downloading`,
  pieceHad: 'Have',
  pieceDownloading: 'Downloading',
  pieceMissing: 'Missing (darker: more peers have it)',
  pieceUnavailable: 'No connected peer has it',

  peersHeading: 'Peers',
  peersNone: 'No peers connected right now.',
  peerColumn: 'Peer',
  peerConnectionColumn: 'Connection',
  peerReceivedColumn: 'Received',
  peerSentColumn: 'Sent',
  peerIdLabel: (id: string) => `Peer ${id}`,
  routeDirect: 'Direct',
  routeRelay: 'Relay',
  routeMeasuring: 'Checking…',
  candidatePair: (local: string, remote: string) => `${local} ↔ ${remote}`,
  candidateHost: 'host',
  candidateSrflx: 'server-reflexive',
  candidatePrflx: 'peer-reflexive',
  candidateRelay: 'relay',

  transferHeadingFallback: 'Incoming share',
  transferProgressLabel: 'Download progress',
  phaseConnecting: 'Connecting to the signaling server…',
  phaseWaitingForPeers:
    'No peers yet — waiting for someone who has this share. Keep this page open.',
  privateWaitingHint:
    'A private link’s key also names its meeting place: if nobody ever comes, check that the link was copied completely and exactly.',
  phaseFetchingManifest: 'Connected — fetching the file list…',
  phaseDownloading: (peers: number) =>
    peers === 1 ? 'Downloading from 1 peer…' : `Downloading from ${peers} peers…`,
  downloadComplete:
    'Download complete — verified piece by piece. You are now seeding it to others while this page stays open.',
  signalingDown: "Can't reach the signaling server — retrying…",

  save: 'Save',
  saving: 'Saving…',
  saved: 'Saved',
  saveLabel: (path: string) => `Save ${path}`,
  saveNotReady: 'Available once the download is complete and verified.',
  saveAllZip: 'Save all as .zip',
  saveAllFolder: 'Save all to a folder',
  saveAllZipLabel: (name: string) => `Save every file of ${name} as one .zip`,
  saveAllFolderLabel: (name: string) => `Save every file of ${name} into a folder you choose`,
  savedToDownloads: 'Handed to your downloads',

  play: 'Play',
  view: 'View',
  playLabel: (path: string) => `Play ${path} while it downloads`,
  viewLabel: (path: string) => `View ${path} while it downloads`,
  closePreview: 'Close',
  closePreviewLabel: (path: string) => `Close the preview of ${path}`,
  previewLoading: 'Opening…',
  previewHint: 'Plays while downloading: what you watch next is fetched first.',
  previewFailed: 'This file could not be played in the page. It may be damaged or in a format this browser does not play.',

  retry: 'Retry',
  resumedPieces: (pieces: number) =>
    pieces === 1 ? 'Resumed: 1 piece was already here.' : `Resumed: ${pieces} pieces were already here.`,
  inOtherTab: 'This share is running in another Shoal tab; this tab shows its progress.',

  libraryHeading: 'Your library',
  libraryKeysNote:
    'Private items keep their key in this browser so they can resume and seed; deleting an item forgets its key.',
  libraryPrivate: 'Private',
  libraryEmpty: 'Shares you create or download are kept here, so you can save them again and seed them later.',
  libraryOpen: 'Open',
  libraryDelete: 'Delete',
  libraryDeleteLabel: (name: string) => `Delete ${name} from this browser`,
  libraryDeleteConfirm: (name: string) => `Delete “${name}” and all its data from this browser?`,
  librarySeedLabel: 'Seed',
  librarySeedingAll: 'Seed library items while Shoal is open',
  libraryShared: 'Shared by you',
  libraryDownloaded: 'Downloaded',
  libraryActive: 'Seeding now',
  libraryLastActive: (when: string) => `Last active ${when}`,
  libraryComplete: 'Complete',
  libraryPartial: (percent: string) => `${percent} stored`,

  storageHeading: 'Storage',
  storageUsage: (used: string, quota: string) => `${used} used of ${quota} available to Shoal`,
  storageUnknown: 'This browser does not report its storage use.',
  storagePersisted: 'Protected: the browser will not clear Shoal’s data to free space.',
  storageNotPersisted: 'The browser may clear Shoal’s data when space runs low.',
  storagePersist: 'Keep my files',
  storagePersistRefused: 'The browser declined; it may allow it once you use Shoal more or install it.',

  updateAvailable: 'A new version of Shoal is available.',
  updateReload: 'Reload',
  offlineReady: 'Shoal now works offline.',
  sharedFilesFailed: (detail: string) => `Could not read the shared files: ${detail}`,

  opening: 'Opening the share…',
  passwordTitle: 'This share is protected by a password',
  passwordHint: 'Enter the password the sender gave you. It is checked here, in your browser.',
  passwordLabel: 'Password',
  passwordOpen: 'Open',
  passwordChecking: 'Checking the password…',

  badLinkTitle: 'Not a share link',
  openFailedTitle: 'Could not open this share',

  errorBadLink:
    'This link is not a Shoal share link. Check that you copied all of it, including everything after the #.',
  errorPasswordRequired: 'This link needs its password.',
  errorWrongPassword: 'That password does not open this link. Check it and try again.',
  errorPrivateManifestRejected:
    'A peer sent a file list that this link’s key does not open: the link may be wrong or damaged, or the peer altered it. Ignoring it and waiting for another peer.',
  errorSignalingUnreachable: "Can't reach the signaling server — retrying…",
  errorManifestMismatch:
    'A peer sent a file list that does not match this link; ignoring it and waiting for an honest peer.',
  errorStorageFull:
    'Your browser ran out of storage space, so the download is paused. Every verified piece is kept. Free some space (delete items from your library below the share area) — Shoal retries by itself, or press Retry.',
  errorLibraryFull:
    'Your browser ran out of storage space, so this share is not kept in your library yet: it is served from your files while this page stays open. Free some space (delete items from your library) — Shoal retries by itself.',
  errorHashingFailed: (detail: string) => `Could not read the files to share: ${detail}`,
  errorSourceUnreadable: (detail: string) =>
    `Shoal can no longer read the files you shared, so it cannot send them (${detail}). If they were moved, changed or deleted, share them again.`,
  errorSaveFailed: (detail: string) => `Could not save the file: ${detail}`,
  errorStreamUnavailable: (detail: string) => `This file cannot be played here yet: ${detail}`,
  errorUnknown: (detail: string) => `Something went wrong: ${detail}`,
};

export type Messages = typeof en;

/** The active catalogue; locale.ts switches it (ES modules export the live binding). */
export let msg: Messages = en;

export function useMessages(catalogue: Messages): void {
  msg = catalogue;
}

/** The sentence a person sees for an error code; `detail` fills in where it helps. */
export function errorMessage(code: ShoalErrorCode, detail: string): string {
  switch (code) {
    case 'bad-link':
      return msg.errorBadLink;
    case 'password-required':
      return msg.errorPasswordRequired;
    case 'wrong-password':
      return msg.errorWrongPassword;
    case 'private-manifest-rejected':
      return msg.errorPrivateManifestRejected;
    case 'signaling-unreachable':
      return msg.errorSignalingUnreachable;
    case 'manifest-mismatch':
      return msg.errorManifestMismatch;
    case 'storage-full':
      return msg.errorStorageFull;
    case 'library-full':
      return msg.errorLibraryFull;
    case 'hashing-failed':
      return msg.errorHashingFailed(detail);
    case 'source-unreadable':
      return msg.errorSourceUnreadable(detail);
    case 'save-failed':
      return msg.errorSaveFailed(detail);
    case 'stream-unavailable':
      return msg.errorStreamUnavailable(detail);
    case 'unknown':
      return msg.errorUnknown(detail);
  }
}

/** The sentence for anything a promise rejected with. */
export function caughtErrorMessage(err: unknown): string {
  if (err instanceof ShoalError) return errorMessage(err.code, err.message);
  return errorMessage('unknown', err instanceof Error ? err.message : String(err));
}

/** "about 2 min" for a time left in seconds; null when there is nothing sensible to say. */
export function etaText(seconds: number | null): string | null {
  const rough = seconds === null ? null : roughDuration(seconds);
  if (!rough) return null;
  switch (rough.unit) {
    case 'few-seconds':
      return msg.etaFewSeconds;
    case 'seconds':
      return msg.etaAbout(msg.durationSeconds(rough.seconds));
    case 'minutes':
      return msg.etaAbout(msg.durationMinutes(rough.minutes));
    case 'hours':
      return msg.etaAbout(msg.durationHours(rough.hours, rough.minutes));
  }
}

export function candidateTypeName(type: CandidateType): string {
  switch (type) {
    case 'host':
      return msg.candidateHost;
    case 'srflx':
      return msg.candidateSrflx;
    case 'prflx':
      return msg.candidatePrflx;
    case 'relay':
      return msg.candidateRelay;
  }
}
