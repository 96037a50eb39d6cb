import React from 'react';
import { PANEL_NAME } from './id.js';
import { DiffusionPanel } from './panel/DiffusionPanel.js';
import { hostedComponent } from './panel/hostBridge.js';
import type { Runtime } from './runtime.js';

/** One panel: the Diffusion tools, mounted with the extension's own React inside the host's panel. */
export function createPanelModule(runtime: () => Runtime) {
  return [
    {
      name: PANEL_NAME,
      iconName: 'tab-4d',
      iconLabel: 'Diffusion',
      label: 'Diffusion tools',
      component: hostedComponent(() => <DiffusionPanel controller={runtime().controller} />),
    },
  ];
}
