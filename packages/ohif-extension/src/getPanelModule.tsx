import React from 'react';
import { PANEL_NAME, READER_PANEL_NAME } from './id.js';
import { DiffusionPanel } from './panel/DiffusionPanel.js';
import { hostedComponent } from './panel/hostBridge.js';
import { ReaderStudyPanel } from './readerStudy/ReaderStudyPanel.js';
import type { Runtime } from './runtime.js';

/** Two panels: the Diffusion tools and the Reader study, each mounted with the extension's own React inside the host's panel. */
export function createPanelModule(runtime: () => Runtime) {
  return [
    {
      name: PANEL_NAME,
      iconName: 'tab-4d',
      iconLabel: 'Diffusion',
      label: 'Diffusion tools',
      component: hostedComponent(() => <DiffusionPanel controller={runtime().controller} />),
    },
    {
      name: READER_PANEL_NAME,
      iconName: 'tab-patient-info',
      iconLabel: 'Reader study',
      label: 'Reader study',
      component: hostedComponent(() => <ReaderStudyPanel controller={runtime().readerStudy} />),
    },
  ];
}
