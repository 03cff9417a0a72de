import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { createHash } from 'node:crypto'

// Vant's stylesheet embeds its icon font as a data: URL, with a fallback on a
// public CDN. The server's Content-Security-Policy allows fonts from 'self' only
// (and a bank intranet has no internet), so move every embedded font out of the
// built CSS into its own hashed file under assets/ and drop remote font sources.
function externalizeDataFonts() {
  const re = /url\((['"]?)data:font\/([a-z0-9]+)(?:;charset=[^;,]+)?;base64,([A-Za-z0-9+/=]+)\1\)/g
  const remote = /,\s*url\((['"]?)(?:https?:)?\/\/[^)'"]+\1\)\s*format\((['"])[a-z0-9-]+\2\)/g
  return {
    name: 'fincrm-externalize-data-fonts',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const asset of Object.values(bundle)) {
        if (asset.type !== 'asset' || !asset.fileName.endsWith('.css')) continue
        const css = String(asset.source)
        if (!css.includes('data:font/') && !css.includes('@font-face')) continue
        asset.source = css.replace(remote, '').replace(re, (_m, _q, ext, b64) => {
          const data = Buffer.from(b64, 'base64')
          const hash = createHash('sha256').update(data).digest('hex').slice(0, 10)
          const fileName = `assets/font-${hash}.${ext}`
          if (!bundle[fileName]) this.emitFile({ type: 'asset', fileName, source: data })
          return `url(/${fileName})`
        })
      }
    },
  }
}

// The C server (`fincrm serve --web web/dist`) serves the built files; during
// development `npm run dev` proxies the API to a locally running server
// (FINCRM_API, default http://127.0.0.1:8080).
const apiTarget = process.env.FINCRM_API || 'http://127.0.0.1:8080'

export default defineConfig({
  base: '/',
  plugins: [vue(), externalizeDataFonts()],
  define: {
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
    },
  },
  preview: {
    host: '127.0.0.1',
    port: 4173,
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
  },
})
