import QtQuick
import "../components"

// The idle screen: rotating service highlights; a touch anywhere starts.
Rectangle {
    id: attract
    color: Theme.header
    property int shown: 0
    Timer {
        interval: 4000
        running: session.highlights.length > 1
        repeat: true
        onTriggered: attract.shown = (attract.shown + 1) % session.highlights.length
    }
    Column {
        anchors.centerIn: parent
        width: parent.width - 2 * Theme.margin
        spacing: Theme.spacing * 3
        KText {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: session.terminalName
            color: Theme.onHeader
            font.pixelSize: Theme.fontHuge
            font.bold: true
        }
        KText {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("24-hour self-service")
            color: Theme.onHeader
            font.pixelSize: Theme.fontTitle
        }
        Rectangle {
            width: parent.width
            height: Theme.minTouch * 2.5
            radius: Theme.radius
            color: Qt.rgba(1, 1, 1, 0.12)
            KText {
                objectName: "highlight"
                anchors.centerIn: parent
                width: parent.width - 2 * Theme.spacing
                horizontalAlignment: Text.AlignHCenter
                text: session.highlights.length ? session.highlights[attract.shown % session.highlights.length] : ""
                color: Theme.onHeader
                font.pixelSize: Theme.fontTitle
            }
        }
        KText {  // the back office's notice for this terminal (kiosk/sync/live.py)
            objectName: "notice"
            visible: text !== ""
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: session.notice
            color: Theme.onHeader
            font.pixelSize: Theme.fontBody
            font.bold: true
        }
        BigButton {
            objectName: "startButton"
            anchors.horizontalCenter: parent.horizontalCenter
            primary: false
            pixelSize: Theme.fontTitle
            text: qsTr("Touch to start") + "\n点击开始 · 點擊開始"
            onClicked: session.start()
        }
    }
    MouseArea {
        anchors.fill: parent
        z: -1
        onClicked: session.start()
    }
}
