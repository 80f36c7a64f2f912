import QtQuick

KText {
    font.pixelSize: Theme.fontTitle
    font.bold: true
    width: parent ? parent.width : implicitWidth
}
