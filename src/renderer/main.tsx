// Renderer entry: install the host bridge (no-op under Electron), then mount the React root.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { installBridge } from './bridge.ts';
import { App } from './App.tsx';
import './styles.css';

installBridge();
const container = document.getElementById('root');
if (container === null) throw new Error('#root missing from index.html');
createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
