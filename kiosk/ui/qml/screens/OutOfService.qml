import QtQuick
import "../components"

Rectangle {
    color: Theme.background
    Column {
        anchors.centerIn: parent
        width: parent.width - 2 * Theme.margin
        spacing: Theme.spacing * 2
        KText {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            font.pixelSize: Theme.fontHuge
            text: qsTr("Temporarily out of service")
        }
        KText {
            objectName: "outOfServiceText"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            font.pixelSize: Theme.fontTitle
            text: session.outOfServiceText
        }
        KText {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            color: Theme.muted
            text: "暂停服务 · 暫停服務"
        }
    }
}
