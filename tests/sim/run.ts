import { churn, flashCrowd, poisoning, seederDeparts, type ScenarioSize } from './scenarios.ts';

/**
 * The full benchmark: prints one JSON line per scenario. `npm run sim`
 * (optionally `-- --leechers 40`, `--pieces 256`, `--large-pieces 1024`).
 * The flash crowd runs twice: with the piece count the app gives a share of
 * 512 MiB or more (choosePieceLength: 2048; minutes per run), and with the
 * 128 pieces of a small share, the size the other scenarios use.
 */
const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const size: ScenarioSize = { leechers: arg('leechers', 100), pieces: arg('pieces', 128), pieceBytes: 32 * 1024, seed: arg('seed', 1) };
const largeShare: ScenarioSize = { ...size, pieces: arg('large-pieces', 2048) };
const print = (result: object) => console.log(JSON.stringify(result));

print(await flashCrowd(largeShare, 'rarest'));
print(await flashCrowd(largeShare, 'sequential'));
print(await flashCrowd(size, 'rarest'));
print(await flashCrowd(size, 'sequential'));
print(await seederDeparts(size, { leaveAfterCopies: 1.1, leecherUploadFraction: 0.25 }));
print(await poisoning(size));
print(await churn(size));
