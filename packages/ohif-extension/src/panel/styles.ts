import type React from 'react';

/** The panel's inline styles (OHIF's dark theme colours). */
export const s = {
  panel: { padding: '8px 10px', color: '#e5e7eb', fontSize: 13, lineHeight: 1.4, fontFamily: 'inherit', display: 'flex', flexDirection: 'column', gap: 10 } as React.CSSProperties,
  section: { display: 'flex', flexDirection: 'column', gap: 4 } as React.CSSProperties,
  label: { color: '#9ca3af', fontSize: 11, textTransform: 'uppercase', letterSpacing: 0.4 } as React.CSSProperties,
  input: { background: '#111827', color: '#e5e7eb', border: '1px solid #374151', borderRadius: 4, padding: '3px 6px', fontSize: 13 } as React.CSSProperties,
  row: { display: 'flex', gap: 6, alignItems: 'center' } as React.CSSProperties,
  button: { background: '#2563eb', color: 'white', border: 'none', borderRadius: 4, padding: '5px 12px', cursor: 'pointer', fontSize: 13 } as React.CSSProperties,
  secondary: { background: '#374151', color: 'white', border: 'none', borderRadius: 4, padding: '5px 12px', cursor: 'pointer', fontSize: 13 } as React.CSSProperties,
  notice: { background: '#3b2f0b', color: '#fcd34d', borderRadius: 4, padding: '4px 6px', fontSize: 12 } as React.CSSProperties,
  error: { background: '#450a0a', color: '#fca5a5', borderRadius: 4, padding: '4px 6px', fontSize: 12 } as React.CSSProperties,
  card: { background: '#111827', borderRadius: 4, padding: '4px 6px', fontSize: 12 } as React.CSSProperties,
  hint: { fontSize: 12, color: '#9ca3af' } as React.CSSProperties,
};
