import QtQuick

// "Are you still there?" over the current screen, with the wipe countdown.
Rectangle {
    id: overlay
    objectName: "idleOverlay"
    color: Theme.overlay
    z: 5
    // take the focus from any text field: the keyboard closes under the overlay
    onVisibleChanged: if (visible) overlay.forceActiveFocus()
    MouseArea { anchors.fill: parent }  // swallow taps on the screen beneath
    Rectangle {
        anchors.centerIn: parent
        width: parent.width * 0.8
        height: box.implicitHeight + 2 * Theme.margin
        radius: Theme.radius
        color: Theme.surface
        Column {
            id: box
            anchors { fill: parent; margins: Theme.margin }
            spacing: Theme.spacing
            KText {
                width: parent.width
                text: session.idleText
                font.pixelSize: Theme.fontTitle
                horizontalAlignment: Text.AlignHCenter
            }
            KText {
                objectName: "idleCountdown"
                width: parent.width
                text: qsTr("%1 s").arg(session.secondsLeft)
                font.pixelSize: Theme.fontHuge
                color: Theme.error
                horizontalAlignment: Text.AlignHCenter
            }
            BigButton {
                objectName: "stillHere"
                anchors.horizontalCenter: parent.horizontalCenter
                primary: true
                text: qsTr("I am still here")
                onClicked: session.stillHere()
            }
        }
    }
}
