import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

export default defineConfig({
  build: {
    target: 'es2022',
    sourcemap: true,
  },
  worker: {
    format: 'es',
  },
  plugins: [
    VitePWA({
      // Our own service worker (src/sw.ts): precaching now, streaming fetch handlers later.
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      // A new version waits until the user agrees to reload (src/ui/update-toast.ts).
      registerType: 'prompt',
      injectRegister: false,
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,svg,png,wasm,webmanifest}'],
      },
      manifest: {
        name: 'Shoal — share files peer to peer',
        short_name: 'Shoal',
        description:
          'Share files straight from your browser. Everyone who opens the link downloads from you and from each other, verified piece by piece.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#f4f7f9',
        theme_color: '#0b7285',
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
        // Files shared into Shoal from another app (a phone's share sheet) are seeded (src/sw.ts).
        share_target: {
          action: '/share-target',
          method: 'POST',
          enctype: 'multipart/form-data',
          params: { files: [{ name: 'files', accept: ['*/*'] }] },
        },
      },
    }),
  ],
});
