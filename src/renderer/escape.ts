// Esc closes a panel opened over the screen (the health bar's 「詳しく」, 訓練の操作) from anywhere, before any other
// Esc handler (capture), and gives the focus back to the button that opened it.
import { useEffect, type RefObject } from 'react';

export function useEscapeCloses(open: boolean, close: () => void, opener: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent): void => {
      if (e.key !== 'Escape') return;
      e.stopPropagation();
      close();
      opener.current?.focus();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [open, close, opener]);
}
