import QtQuick

KText {
    objectName: "errorText"
    color: Theme.error
    font.pixelSize: Theme.fontBody
    visible: text !== ""
    width: parent ? parent.width : implicitWidth
}
