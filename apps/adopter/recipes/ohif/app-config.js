// app-config.js of an OHIF 3.13 deployment, with the lines the diffusion tools add marked "+".
window.config = {
  routerBasename: '/',
  showStudyList: true,
  // + the prebuilt extension and mode, where deploy.sh put them (OHIF 3.13 imports these URLs;
  //   OHIF 3.14 also takes the descriptors in their ohif-runtime-plugin.json instead)
  extensions: ['/plugins/@meddiff/ohif-extension/0.1.0/meddiff-extension.js'],
  // + the Diffusion tools mode and, beside it, the Reader study mode (optional)
  modes: ['/plugins/@meddiff/ohif-mode/0.1.0/meddiff-mode.js', '/plugins/@meddiff/ohif-mode/0.1.0/meddiff-reader-study-mode.js'],
  defaultDataSourceName: 'dicomweb',
  dataSources: [
    {
      namespace: '@ohif/extension-default.dataSourcesModule.dicomweb',
      sourceName: 'dicomweb',
      configuration: { friendlyName: 'Your PACS', qidoRoot: '/dicom-web', wadoRoot: '/dicom-web', wadoUriRoot: '/dicom-web', imageRendering: 'wadors', thumbnailRendering: 'wadors' },
    },
    // + where results stay, in this browser, until the user stores them to the PACS
    { namespace: '@meddiff/ohif-extension.dataSourcesModule.localResults', sourceName: 'meddiff-local', configuration: {} },
  ],
  // + the models offered (an index of weights folders) and the data source results are stored to
  meddiff: { modelsIndexUrl: '/models/index.json', pacsDataSource: 'dicomweb' },
};
